package dev.grove.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GitHubApiStubTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static final String SCHEMA = "{'type':'object','required':['head'],'x-github':{'githubCloudOnly':false},"
            + "'properties':{'head':{'type':'string','example':'octocat:feature','x-multi-segment':true},"
            + "'body':{'type':'string','nullable':true,'description':'d'},"
            + "'issue':{'type':'integer','format':'int64','example':1},"
            + "'head_repo':{'type':'string','format':'repo.nwo'}}}";

    @Test
    void openApi30KeywordsDoNotGetInTheWay() throws Exception {
        assertEquals(List.of(), GitHubApiStub.schemaProblems(json(SCHEMA),
                json("{'head':'a:b','body':null,'issue':3,'head_repo':'o/r'}")));
    }

    @Test
    void missingRequiredAndWrongTypesAreReported() throws Exception {
        List<String> problems = GitHubApiStub.schemaProblems(json(SCHEMA), json("{'body':7,'issue':'x'}"));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("head")), problems.toString());
    }

    @Test
    void nullIsRefusedWhereNotNullable() throws Exception {
        assertFalse(GitHubApiStub.schemaProblems(json(SCHEMA), json("{'head':null}")).isEmpty());
    }
}
