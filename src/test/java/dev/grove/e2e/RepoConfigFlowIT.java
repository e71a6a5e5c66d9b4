package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import dev.grove.testing.WebhookFixtures;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code .github/grove.yml} read through the contents API, its problems reported, and verify run after the agent. */
class RepoConfigFlowIT extends GroveE2E {
    static final String CONFIG = """
            trigger_label: agents
            bogus_key: 1
            max_parallel: 1
            verify: "echo checking; test -f src/cart/CHANGES.md"
            draft_on_failure: true
            """;

    void label(String name) throws Exception {
        deliver("issues", WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin), ISSUE,
                "Release prep", BODY, name, INSTALLATION));
    }

    @Test
    void theRepositoryConfigDecidesTheLabelAndVerifyDecidesChecksAndDrafts() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", CONFIG, "3d21ec53a331a6f037a91c368710b99387d012c1");
        startServer(exampleAgent(0.1));

        label("grove"); // the server's label, but the repository chose another
        assertTrue(groveBranchesOnOrigin().isEmpty(), "the label 'grove' is not this repository's trigger");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size(), "the config's problems, once");
        assertTrue(posted.get(0).contains("line 2: unknown key `bogus_key`"), posted.get(0));

        label("agents");
        assertEquals(Set.copyOf(BRANCHES), groveBranchesOnOrigin());
        assertEquals(1, commentsOn(ISSUE).stream().filter(c -> c.contains("bogus_key")).count(),
                "the same file's problems are reported once");

        for (ReceivedRequest pr : github.requests("POST", "/repos/octo-org/shop/pulls")) {
            boolean cart = pr.body().path("head").asText().equals(BRANCHES.get(0));
            assertEquals(!cart, pr.body().path("draft").asBoolean(), pr.body().toString());
            String body = pr.body().path("body").asText();
            assertTrue(body.contains("### Verify") && body.contains(cart ? "passed" : "failed"), body);
        }
        List<JsonNode> completed = github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + CHECK_RUN).stream()
                .map(ReceivedRequest::body).toList();
        assertEquals(List.of("failure", "failure", "success"),
                completed.stream().map(b -> b.path("conclusion").asText()).sorted().collect(Collectors.toList()));
        for (JsonNode b : completed) {
            String summary = b.path("output").path("summary").asText();
            assertTrue(summary.contains("### Verify") && summary.contains("checking"), "verify tail kept: " + summary);
            assertTrue(summary.contains("- verify: "), summary);
        }
        assertTrue(github.requests("GET", "/repos/octo-org/shop/contents/.github/grove.yml\\?ref=main").size() >= 2,
                "read on each trigger");
        assertCleanTraffic();
    }

    @Test
    void aBrokenConfigIsReportedWithItsLineAndTheDefaultsRun() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "max_parallel: 2\nverify: [oops\n", "aa11");
        startServer(exampleAgent(0));
        label("grove");

        assertEquals(Set.copyOf(BRANCHES), groveBranchesOnOrigin(), "the defaults: label grove, no verify");
        String report = commentsOn(ISSUE).stream().filter(c -> c.contains("grove.yml")).findFirst().orElseThrow();
        assertTrue(report.contains("not valid YAML") && report.matches("(?s).*line [23]:.*"), report);
        github.requests("POST", "/repos/octo-org/shop/pulls")
                .forEach(pr -> assertFalse(pr.body().path("draft").asBoolean()));
        assertCleanTraffic();
    }

    @Test
    void permissionMaintainRefusesAWriter() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "permission: maintain\n", "bb22");
        startServer(exampleAgent(0));
        comment("/grove run");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size());
        assertTrue(posted.get(0).contains("maintain access") && posted.get(0).contains("yours: write"), posted.get(0));
        assertTrue(groveBranchesOnOrigin().isEmpty());
        github.stubPermission(REPO, "mia", "maintain");
        deliver("issue_comment", issueComment("/grove run 1", "mia", "User"));
        assertEquals(Set.of(BRANCHES.get(0)), groveBranchesOnOrigin(), "a maintainer may");
        assertCleanTraffic();
    }

    @Test
    void requireCodeOwnersRunsOnlyTheTasksTheCommenterOwnsAndNamesTheOwners() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "require_code_owners: true\n", "dd44");
        github.stubFile(REPO, ".github/CODEOWNERS", "/src/cart/ @Codertocat\n/src/search/ @dave\ndocs/ @carol @octo-org/writers\n",
                "ee55");
        github.stubPermission(REPO, "boss", "admin");
        startServer(exampleAgent(0));
        comment("/grove run");

        assertEquals(Set.of(BRANCHES.get(0)), groveBranchesOnOrigin(), "only the task whose paths the commenter owns");
        String reply = commentsOn(ISSUE).stream().filter(c -> c.contains("code owners")).findFirst().orElseThrow();
        assertTrue(reply.contains("task 2 (Make search ignore case): one of @dave (or an admin)"), reply);
        assertTrue(reply.contains("@carol, @octo-org/writers"), reply);

        deliver("issue_comment", issueComment("/grove run 2,3", "boss", "User"));
        assertEquals(Set.copyOf(BRANCHES), groveBranchesOnOrigin(), "an admin may run any task");
        assertCleanTraffic();
    }
}
