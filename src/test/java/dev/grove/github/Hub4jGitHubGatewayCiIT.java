package dev.grove.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.testing.GitHubApiStub;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a CI fix reads: a suite's runs, a run's annotations, an Actions job's log, on GitHub's example answers. */
class Hub4jGitHubGatewayCiIT {
    static final RepoRef REPO = new RepoRef("octo-org", "widgets");

    GitHubApiStub github;
    GitHubGateway gateway;

    @BeforeEach
    void start() {
        github = new GitHubApiStub();
        gateway = new Hub4jGitHubGateway(github.baseUrl(), id -> "ghs_test_token", 77);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void readsASuitesRunsAndARunsAnnotationsFromGitHubsExamples() throws Exception {
        github.stubJson("GET", "/repos/octo-org/widgets/check-suites/5/check-runs", 200,
                github.example("get_repos_owner_repo_check-suites_check_suite_id_check-runs.json", 200));
        github.stubJson("GET", "/repos/octo-org/widgets/check-runs/4/annotations", 200,
                github.example("get_repos_owner_repo_check-runs_check_run_id_annotations.json", 200));
        List<CheckRunDetails> runs = gateway.checkSuiteRuns(REPO, 5);
        assertEquals(1, runs.size());
        CheckRunDetails r = runs.get(0);
        assertEquals(4, r.id());
        assertEquals("mighty_readme", r.name());
        assertEquals("neutral", r.conclusion());
        assertEquals("Mighty Readme report", r.title());
        assertEquals(2, r.annotationsCount());
        assertEquals(1, r.appId());
        assertEquals(List.of(new CheckAnnotation("README.md", 2, 2, "warning", "Spell Checker",
                "Check your spelling for 'banaas'.", "Do you mean 'bananas' or 'banana'?")),
                gateway.checkRunAnnotations(REPO, 4));
        assertEquals(List.of("/repos/octo-org/widgets/check-suites/5/check-runs?filter=latest&per_page=100",
                "/repos/octo-org/widgets/check-runs/4/annotations?per_page=50"),
                github.all().stream().map(GitHubApiStub.ReceivedRequest::url).toList());
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aJobLogIsReadFromItsRedirectWithoutTheTokenAndOnlyItsEndIsKept() throws Exception {
        github.server().stubFor(get(urlPathEqualTo("/repos/octo-org/widgets/actions/jobs/9/logs"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", github.baseUrl() + "/signed/9")));
        String log = "é".repeat(100_000) + "THE END";
        github.server().stubFor(get(urlPathEqualTo("/signed/9")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8").withBody(log)));
        String tail = gateway.actionsJobLogTail(REPO, 9, 50).orElseThrow();
        assertEquals(50, tail.length());
        assertTrue(tail.endsWith("éTHE END"), tail);
        assertEquals("token ghs_test_token", github.requests("GET", ".*/jobs/9/logs").get(0).header("Authorization"));
        assertNull(github.requests("GET", "/signed/9").get(0).header("Authorization"), "the token stays with the API");
        github.assertNoUnmatchedRequests();
    }

    @Test
    void noLogWhenTheAppMayNotReadActionsOrTheJobIsGone() throws Exception {
        github.stubError("GET", "/repos/octo-org/widgets/actions/jobs/10/logs", 403, "Resource not accessible by integration");
        github.stubError("GET", "/repos/octo-org/widgets/actions/jobs/11/logs", 404, "Not Found");
        assertTrue(gateway.actionsJobLogTail(REPO, 10, 100).isEmpty());
        assertTrue(gateway.actionsJobLogTail(REPO, 11, 100).isEmpty());
        github.assertNoUnmatchedRequests();
    }
}
