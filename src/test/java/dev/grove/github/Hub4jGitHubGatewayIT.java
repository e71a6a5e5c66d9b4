package dev.grove.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Hub4jGitHubGatewayIT {

    static final RepoRef REPO = new RepoRef("octo-org", "widgets");
    static final long INSTALLATION = 77;

    private GitHubApiStub github;
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private GitHubGateway gateway;

    @BeforeEach
    void start() {
        github = new GitHubApiStub();
        TokenSource tokens = id -> {
            assertEquals(INSTALLATION, id);
            return "ghs_test_" + tokenCalls.incrementAndGet();
        };
        gateway = new Hub4jGitHubGateway(github.baseUrl(), tokens, INSTALLATION);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    /** Every request was stubbed, its body is one GitHub accepts, and it carried a current installation token. */
    private void assertCleanTraffic() {
        github.assertNoUnmatchedRequests();
        github.assertRequestBodiesMatchSchemas();
        for (ReceivedRequest r : github.all()) {
            String auth = r.header("Authorization");
            assertTrue(auth != null && auth.startsWith("token ghs_test_"), r.method() + " " + r.url());
        }
    }

    private List<String> sent() {
        return github.all().stream().map(r -> r.method() + " " + r.url()).toList();
    }

    @Test
    void permissionOfMapsLegacyLevels() throws Exception {
        github.stubRepository(REPO);
        github.stubPermission(REPO, "alice", "admin");
        github.stubPermission(REPO, "bob", "write");
        github.stubPermission(REPO, "carol", "read");
        github.stubPermission(REPO, "dave", "none");

        assertEquals("admin", gateway.permissionOf(REPO, "alice"));
        assertEquals("write", gateway.permissionOf(REPO, "bob"));
        assertEquals("read", gateway.permissionOf(REPO, "carol"));
        assertEquals("none", gateway.permissionOf(REPO, "dave"));

        assertEquals(List.of(
                "GET /repos/octo-org/widgets",
                "GET /repos/octo-org/widgets/collaborators/alice/permission",
                "GET /repos/octo-org/widgets/collaborators/bob/permission",
                "GET /repos/octo-org/widgets/collaborators/carol/permission",
                "GET /repos/octo-org/widgets/collaborators/dave/permission"), sent());
        assertCleanTraffic();
    }

    @Test
    void permissionOfANonCollaboratorIsNone() throws Exception {
        github.stubRepository(REPO);
        github.stubPermissionNotFound(REPO, "mallory");

        assertEquals("none", gateway.permissionOf(REPO, "mallory"));
        assertCleanTraffic();
    }

    @Test
    void commentOnIssueIsOnePost() throws Exception {
        github.stubCreateIssueComment(REPO, 12, 9001L);

        assertEquals(9001L, gateway.commentOnIssue(REPO, 12, "Grove is on it :seedling:"));

        assertEquals(List.of("POST /repos/octo-org/widgets/issues/12/comments"), sent());
        JsonNode body = github.requests("POST", ".*/comments").get(0).body();
        assertEquals("Grove is on it :seedling:", body.path("body").asText());
        assertCleanTraffic();
    }

    @Test
    void editIssueCommentIsOnePatch() throws Exception {
        github.stubEditIssueComment(REPO, 9001L);

        gateway.editIssueComment(REPO, 9001L, "| task | state |\n|---|---|\n| a | done |");

        assertEquals(List.of("PATCH /repos/octo-org/widgets/issues/comments/9001"), sent());
        JsonNode body = github.requests("PATCH", ".*").get(0).body();
        assertEquals("| task | state |\n|---|---|\n| a | done |", body.path("body").asText());
        assertCleanTraffic();
    }

    @Test
    void findPullRequestQueriesByOwnerAndBranchInAnyState() throws Exception {
        github.stubRepository(REPO);
        PullRequestRef pr = new PullRequestRef(34, "https://github.com/octo-org/widgets/pull/34");
        github.stubListPulls(REPO, pr);

        assertEquals(Optional.of(pr), gateway.findPullRequest(REPO, "grove/issue-12/a"));
        assertEquals(List.of("GET /repos/octo-org/widgets",
                "GET /repos/octo-org/widgets/pulls?state=all&head=octo-org%3Agrove%2Fissue-12%2Fa"
                        + "&sort=created&direction=desc"), sent());
        assertCleanTraffic();
    }

    @Test
    void findPullRequestPrefersAnOpenOneOverANewerClosedOne() throws Exception {
        github.stubRepository(REPO);
        var closed = new PullRequestRef(40, "https://github.com/octo-org/widgets/pull/40");
        var open = new PullRequestRef(39, "https://github.com/octo-org/widgets/pull/39");
        github.stubJson("GET", "/repos/octo-org/widgets/pulls", 200, JsonNodeFactory.instance.arrayNode()
                .add(github.pull(REPO, closed, "closed"))
                .add(github.pull(REPO, open, "open")));

        assertEquals(Optional.of(open), gateway.findPullRequest(REPO, "grove/issue-12/a"));
        assertCleanTraffic();
    }

    @Test
    void findPullRequestWhenThereIsNone() throws Exception {
        github.stubRepository(REPO);
        github.stubListPulls(REPO);

        assertEquals(Optional.empty(), gateway.findPullRequest(REPO, "grove/issue-12/b"));
        assertCleanTraffic();
    }

    @Test
    void openPullRequestSendsWhatGitHubRequires() throws Exception {
        github.stubRepository(REPO);
        PullRequestRef created = new PullRequestRef(35, "https://github.com/octo-org/widgets/pull/35");
        github.stubCreatePull(REPO, created);

        PullRequestRef opened = gateway.openPullRequest(REPO,
                new PullRequestDraft("Add widgets", "grove/issue-12/a", "main", "Closes #12", true));

        assertEquals(created, opened);
        JsonNode body = github.requests("POST", "/repos/octo-org/widgets/pulls").get(0).body();
        assertEquals("Add widgets", body.path("title").asText());
        assertEquals("grove/issue-12/a", body.path("head").asText());
        assertEquals("main", body.path("base").asText());
        assertEquals("Closes #12", body.path("body").asText());
        assertTrue(body.path("maintainer_can_modify").asBoolean());
        assertTrue(body.path("draft").asBoolean());
        assertEquals(List.of("GET /repos/octo-org/widgets", "POST /repos/octo-org/widgets/pulls"), sent());
        assertCleanTraffic();
    }

    @Test
    void repositoryIsFetchedOnceForSeveralCalls() throws Exception {
        github.stubRepository(REPO);
        github.stubPermission(REPO, "alice", "write");
        github.stubListPulls(REPO);

        gateway.permissionOf(REPO, "alice");
        gateway.findPullRequest(REPO, "x");
        gateway.permissionOf(REPO, "alice");

        assertEquals(1, github.requests("GET", "/repos/octo-org/widgets").size());
        assertCleanTraffic();
    }

    @Test
    void eachRequestAsksTheTokenSourceAgain() throws Exception {
        github.stubCreateIssueComment(REPO, 1, 1L);
        github.stubEditIssueComment(REPO, 1L);
        gateway.commentOnIssue(REPO, 1, "a");
        gateway.editIssueComment(REPO, 1L, "b");
        List<ReceivedRequest> all = github.all();
        assertEquals("token ghs_test_1", all.get(0).header("Authorization"));
        assertFalse(all.get(1).header("Authorization").equals("token ghs_test_1"),
                "the second request used a newly asked token");
    }

    @Test
    void schemaCheckFailsForAPullRequestWithoutHead() throws Exception {
        github.stubCreatePull(REPO, new PullRequestRef(1, "https://github.com/octo-org/widgets/pull/1"));
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(github.baseUrl() + "/repos/octo-org/widgets/pulls"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"t\",\"base\":\"main\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode());
        github.assertNoUnmatchedRequests();

        AssertionError e = assertThrows(AssertionError.class, github::assertRequestBodiesMatchSchemas);

        assertTrue(e.getMessage().contains("POST /repos/octo-org/widgets/pulls"), e.getMessage());
        assertTrue(e.getMessage().contains("head"), e.getMessage());
    }

    @Test
    void schemaCheckFailsForAWrongType() throws Exception {
        github.stubEditIssueComment(REPO, 5L);
        HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(github.baseUrl() + "/repos/octo-org/widgets/issues/comments/5"))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"body\":42}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        AssertionError e = assertThrows(AssertionError.class, github::assertRequestBodiesMatchSchemas);
        assertTrue(e.getMessage().contains("string"), e.getMessage());
    }

    @Test
    void unmatchedRequestsFail() throws Exception {
        HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(github.baseUrl() + "/repos/octo-org/widgets/nothing")).build(),
                HttpResponse.BodyHandlers.ofString());
        AssertionError e = assertThrows(AssertionError.class, github::assertNoUnmatchedRequests);
        assertTrue(e.getMessage().contains("GET /repos/octo-org/widgets/nothing"), e.getMessage());
    }
}
