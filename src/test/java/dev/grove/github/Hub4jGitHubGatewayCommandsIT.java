package dev.grove.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway methods the commands, config, check runs, revise and clean-up use: exact requests, checked bodies. */
class Hub4jGitHubGatewayCommandsIT {
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

    List<String> sent() {
        return github.all().stream().map(r -> r.method() + " " + r.url()).toList();
    }

    void assertClean() {
        github.assertNoUnmatchedRequests();
        github.assertRequestBodiesMatchSchemas();
        for (ReceivedRequest r : github.all()) {
            assertEquals("token ghs_test_token", r.header("Authorization"), r.url());
        }
    }

    @Test
    void roleOfReadsRoleNameIncludingMaintainAndNoneFor404() throws Exception {
        github.stubPermission(REPO, "mia", "maintain");
        github.stubPermission(REPO, "tia", "triage");
        github.stubPermissionNotFound(REPO, "stranger");
        assertEquals("maintain", gateway.roleOf(REPO, "mia"));
        assertEquals("triage", gateway.roleOf(REPO, "tia"));
        assertEquals("none", gateway.roleOf(REPO, "stranger"));
        assertEquals(List.of("GET /repos/octo-org/widgets/collaborators/mia/permission",
                "GET /repos/octo-org/widgets/collaborators/tia/permission",
                "GET /repos/octo-org/widgets/collaborators/stranger/permission"), sent());
        assertClean();
    }

    @Test
    void readFileDecodesContentAndSaysEmptyFor404() throws Exception {
        github.stubRepository(REPO);
        github.stubFile(REPO, ".github/grove.yml", "max_parallel: 2\nverify: mvn -q test\n", "abc123");
        github.stubFileNotFound(REPO, ".github/CODEOWNERS");
        Optional<RepoFile> f = gateway.readFile(REPO, ".github/grove.yml", "main");
        assertEquals(new RepoFile(".github/grove.yml", "abc123", "max_parallel: 2\nverify: mvn -q test\n"), f.orElseThrow());
        assertTrue(gateway.readFile(REPO, ".github/CODEOWNERS", "main").isEmpty());
        assertEquals(List.of("GET /repos/octo-org/widgets",
                "GET /repos/octo-org/widgets/contents/.github/grove.yml?ref=main",
                "GET /repos/octo-org/widgets/contents/.github/CODEOWNERS?ref=main"), sent());
        assertClean();
    }

    @Test
    void createsAndCompletesACheckRunWithOutputAndActions() throws Exception {
        github.stubRepository(REPO);
        github.stubCreateCheckRun(REPO, 555);
        github.stubUpdateCheckRun(REPO, 555);
        Instant t0 = Instant.parse("2026-01-02T03:04:05Z");
        long id = gateway.createCheckRun(REPO, new CheckRunRequest("grove / Add a rule", "a".repeat(40), "o/r#7/add",
                "in_progress", null, t0, null, "Working", "The agent is working.", null,
                List.of(new CheckAction("Cancel", "Stop this task's agent", "cancel"))));
        assertEquals(555, id);
        gateway.updateCheckRun(REPO, 555, new CheckRunRequest(null, null, "o/r#7/add", "completed", "success",
                null, t0.plusSeconds(60), "Done", "x".repeat(70_000), null,
                List.of(new CheckAction("Retry", "Run this task's agent again", "retry"))));

        List<ReceivedRequest> posts = github.requests("POST", "/repos/octo-org/widgets/check-runs");
        assertEquals(1, posts.size());
        JsonNode created = posts.get(0).body();
        assertEquals("grove / Add a rule", created.path("name").asText());
        assertEquals("in_progress", created.path("status").asText());
        assertEquals("o/r#7/add", created.path("external_id").asText());
        assertEquals("cancel", created.path("actions").get(0).path("identifier").asText());
        JsonNode patched = github.requests("PATCH", "/repos/octo-org/widgets/check-runs/555").get(0).body();
        assertEquals("completed", patched.path("status").asText());
        assertEquals("success", patched.path("conclusion").asText());
        assertEquals(CheckRunRequest.MAX_OUTPUT, patched.path("output").path("summary").asText().length(),
                "the summary is cut to GitHub's limit");
        assertFalse(patched.has("name"));
        assertClean();
    }

    @Test
    void issueThreadReadsAuthorTypeAssociationAndBody() throws Exception {
        github.stubIssueThread(REPO, 7,
                new dev.grove.testing.GitHubApiStub.ThreadComment("alice", "User", "OWNER", "Cap it at 50%."),
                new dev.grove.testing.GitHubApiStub.ThreadComment("grove-app[bot]", "Bot", "NONE", "tracking"));
        assertEquals(List.of(new IssueComment(5001, "alice", "User", "OWNER", "Cap it at 50%."),
                new IssueComment(5002, "grove-app[bot]", "Bot", "NONE", "tracking")), gateway.issueThread(REPO, 7));
        assertEquals(List.of("GET /repos/octo-org/widgets/issues/7/comments?per_page=100&page=1"), sent());
        assertClean();
    }

    @Test
    void deletesABranchAndToleratesOneAlreadyGone() throws Exception {
        github.stubDeleteBranch(REPO, "grove/7-add");
        github.stubError("DELETE", "/repos/octo-org/widgets/git/refs/heads/grove/7-gone", 422, "Reference does not exist");
        gateway.deleteBranch(REPO, "grove/7-add");
        gateway.deleteBranch(REPO, "grove/7-gone");
        assertEquals(List.of("DELETE /repos/octo-org/widgets/git/refs/heads/grove/7-add",
                "DELETE /repos/octo-org/widgets/git/refs/heads/grove/7-gone"), sent());
        assertClean();
    }

    @Test
    void readsAReviewsCommentsWithFileAndLine() throws Exception {
        github.stubReviewComments(REPO, 12, 80, new String[] {"src/cart/Cart.java", "14", "Use BigDecimal here"},
                new String[] {"docs/a.md", "3", "typo"});
        List<ReviewComment> read = gateway.reviewComments(REPO, 12, 80);
        assertEquals(List.of(new ReviewComment("src/cart/Cart.java", 14, "Use BigDecimal here"),
                new ReviewComment("docs/a.md", 3, "typo")), read.stream()
                .map(c -> new ReviewComment(c.path(), c.line(), c.body())).toList());
        assertEquals(2, read.stream().map(ReviewComment::id).distinct().count(), "each comment has its own id");
        assertTrue(read.get(0).diffHunk().startsWith("@@"), read.get(0).diffHunk());
        assertEquals(List.of("GET /repos/octo-org/widgets/pulls/12/reviews/80/comments?per_page=100"), sent());
        assertClean();
    }
}
