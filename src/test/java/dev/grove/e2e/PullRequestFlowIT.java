package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The triggers on a Grove pull request and its checks: revise by comment, by {@code @grove} and by review; check run
 * Re-run and buttons; clean-up when the pull request is closed, merged or not.
 */
class PullRequestFlowIT extends GroveE2E {
    static final String BRANCH = BRANCHES.get(0);
    static final String TASK_ID = "octo-org/shop#7/add-a-discount-rule";

    /** Runs task 1 so that PR #101 exists; returns its pushed head. */
    String runTaskOne() throws Exception {
        comment("/grove run 1");
        assertEquals(java.util.Set.of(BRANCH), groveBranchesOnOrigin());
        return GitFixtures.originBranchSha(origin, BRANCH);
    }

    void assertFastForwardRevision(String firstHead) {
        String head = GitFixtures.originBranchSha(origin, BRANCH);
        assertEquals("2", GitFixtures.runGit(origin, "rev-list", "--count", "main.." + BRANCH), "two commits on the branch");
        assertEquals(firstHead, GitFixtures.runGit(origin, "rev-parse", head + "^"), "the revision's parent is the first head");
        assertTrue(GitFixtures.runGit(origin, "log", "-1", "--format=%B", BRANCH).startsWith("Revise: Add a discount rule"));
        List<ReceivedRequest> checks = github.requests("POST", "/repos/octo-org/shop/check-runs");
        assertEquals(3, checks.size(), "the first run's, the revise's live one on the old head, the new head's");
        assertEquals(firstHead, checks.get(1).body().path("head_sha").asText(), "in progress on the PR while it works");
        assertEquals("in_progress", checks.get(1).body().path("status").asText());
        assertEquals(head, checks.get(2).body().path("head_sha").asText());
        assertEquals(TASK_ID, checks.get(2).body().path("external_id").asText());
        assertTrue(github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + CHECK_RUN).stream().anyMatch(r ->
                "neutral".equals(r.body().path("conclusion").asText())
                        && r.body().path("output").path("title").asText().equals("Superseded by " + head.substring(0, 7))),
                "the live check on the old head is closed, pointing at the revision");
    }

    @Test
    void reviseCommentPushesASecondCommitFastForwardWithANewCheckRun() throws Exception {
        startServer(exampleAgent(0));
        String first = runTaskOne();
        deliver("issue_comment", pullRequestComment(101, "/grove revise Use BigDecimal for prices"));

        assertFastForwardRevision(first);
        List<String> replies = commentsOn(101);
        assertEquals(1, replies.size());
        assertTrue(replies.get(0).startsWith("Pushed " + GitFixtures.originBranchSha(origin, BRANCH).substring(0, 7)),
                replies.get(0));
        String prompt = Files.readString(dataDir.resolve("tasks/octo-org/shop/7/add-a-discount-rule/revise-prompt.md"));
        assertTrue(prompt.contains("Use BigDecimal for prices") && prompt.contains("Add a discount rule"), prompt);
        assertCleanTraffic();
    }

    @Test
    void atGroveRevisesEvenWhenTheWorktreeIsGone() throws Exception {
        startServer(exampleAgent(0));
        String first = runTaskOne();
        GitFixtures.runGit(cacheClone(), "worktree", "remove", "--force", worktree(BRANCH).toString());
        GitFixtures.runGit(cacheClone(), "branch", "-D", BRANCH);
        deliver("issue_comment", pullRequestComment(101, "@grove please round down to the cent"));

        assertFastForwardRevision(first);
        assertTrue(Files.isRegularFile(worktree(BRANCH).resolve(".git")), "the worktree was made again from the pushed branch");
        assertCleanTraffic();
    }

    @Test
    void aReviseOnAPullRequestGroveDidNotOpenIsRefusedPolitely() throws Exception {
        github.stubCreateIssueComment(REPO, 55, 9555);
        startServer(exampleAgent(0));
        deliver("issue_comment", pullRequestComment(55, "/grove revise make it faster"));
        List<String> replies = commentsOn(55);
        assertEquals(1, replies.size());
        assertTrue(replies.get(0).startsWith("Grove did not open this pull request"), replies.get(0));
        assertTrue(groveBranchesOnOrigin().isEmpty());
        assertCleanTraffic();
    }

    /**
     * ADJUSTED: GitHub's {@code pull_request_review.submitted} example is a "commented" review on another branch; here
     * its state is "changes_requested" and the pull request is #101 on the task branch.
     */
    @Test
    void aReviewRequestingChangesRevisesWithEachCommentsFileAndLine() throws Exception {
        startServer(exampleAgent(0));
        String first = runTaskOne();
        ObjectNode p = WebhookFixtures.payload("pull_request_review.submitted");
        pointAtRepo(p);
        ObjectNode review = (ObjectNode) p.get("review");
        review.put("state", "changes_requested");
        review.put("body", "Close, but money needs care.");
        long reviewId = review.path("id").asLong();
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("number", 101);
        ((ObjectNode) pr.get("head")).put("ref", BRANCH);
        ((ObjectNode) p.get("sender")).put("login", USER);
        ((ObjectNode) review.get("user")).put("login", USER);
        github.stubReviewComments(REPO, 101, reviewId, new String[] {"src/cart/Cart.java", "14", "Use BigDecimal here"});
        deliver("pull_request_review", p);

        assertFastForwardRevision(first);
        String prompt = Files.readString(dataDir.resolve("tasks/octo-org/shop/7/add-a-discount-rule/revise-prompt.md"));
        assertTrue(prompt.contains("- src/cart/Cart.java:14\n  ```diff\n  @@ ") // file, line, the hunk, the text fenced
                && prompt.contains("```untrusted\n  Use BigDecimal here\n  ```"), prompt);
        assertTrue(prompt.contains("# src/cart/CHANGES.md"), "the fresh start lists the changes so far: " + prompt);
        assertTrue(prompt.contains("Close, but money needs care."), prompt);
        assertCleanTraffic();
    }

    /** GitHub's {@code check_run} example, ADJUSTED to be this App's check run of task 1. */
    ObjectNode checkRunEvent(String file) {
        ObjectNode p = WebhookFixtures.payload(file);
        pointAtRepo(p);
        ObjectNode run = (ObjectNode) p.get("check_run");
        run.put("name", "grove / Add a discount rule");
        run.put("external_id", TASK_ID);
        ((ObjectNode) run.get("app")).put("id", Long.parseLong(APP_ID));
        ((ObjectNode) p.get("sender")).put("login", USER).put("type", "User");
        return p;
    }

    @Test
    void reRunOnTheCheckRunRunsTheTaskAgain() throws Exception {
        startServer(exampleAgent(0));
        String first = runTaskOne();
        deliver("check_run", checkRunEvent("check_run.rerequested"));
        assertFastForwardRevision(first);
        assertCleanTraffic();
    }

    @Test
    void theCancelButtonStopsARevise() throws Exception {
        startServer("if [ \"${GROVE_REVISE:-}\" = 1 ]; then sleep 30; fi; " + exampleAgent(0));
        String first = runTaskOne();
        URI base = URI.create("http://localhost:" + server.port());
        assertEquals(202, WebhookFixtures.deliver(base, "check_run", "rerun", WebhookFixtures.bytes(
                checkRunEvent("check_run.rerequested")), SECRET).statusCode());
        Path log = dataDir.resolve("tasks/octo-org/shop/7/add-a-discount-rule/revise.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(log) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(Files.exists(log), "the revise's agent started");
        ObjectNode cancel = checkRunEvent("check_run.requested_action");
        ((ObjectNode) cancel.get("requested_action")).put("identifier", "cancel");
        deliver("check_run", cancel);

        assertEquals(first, GitFixtures.originBranchSha(origin, BRANCH), "nothing pushed");
        List<String> replies = commentsOn(101);
        assertTrue(replies.stream().anyMatch(r -> r.contains("asked to cancel task 1")), replies.toString());
        assertTrue(replies.stream().anyMatch(r -> r.contains("cancelled by @" + USER) && r.contains("nothing was pushed")),
                replies.toString());
        assertCleanTraffic();
    }

    @Test
    void aCheckRunOfAnotherAppIsIgnored() throws Exception {
        startServer(exampleAgent(0));
        var r = deliver("check_run", WebhookFixtures.payload("check_run.rerequested"));
        assertTrue(r.body().contains("not one of Grove's"), r.body());
        assertTrue(github.all().isEmpty());
    }

    /** GitHub's {@code pull_request.closed} example (unmerged), pointed at PR #101 on the task branch. */
    ObjectNode closed(boolean merged) {
        return closed(101, BRANCH, merged);
    }

    ObjectNode closed(int number, String branch, boolean merged) {
        ObjectNode p = WebhookFixtures.payload("pull_request.closed.not-merged");
        pointAtRepo(p);
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("number", number);
        ((ObjectNode) pr.get("head")).put("ref", branch);
        if (merged) {
            // ADJUSTED: GitHub publishes no merged example; the docs say merged is true when a closed PR was merged.
            pr.put("merged", true);
            pr.put("merged_at", "2026-01-02T03:04:05Z");
        }
        return p;
    }

    @Test
    void aMergedPullRequestRemovesTheWorktreeAndDeletesTheBranchWhenConfigured() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "delete_branch_on_merge: true\n", "cc33");
        github.stubDeleteBranch(REPO, BRANCH);
        github.stubIssue(REPO, ISSUE, BODY);
        github.stubEditIssue(REPO, ISSUE);
        startServer(exampleAgent(0));
        runTaskOne();
        assertTrue(Files.exists(worktree(BRANCH)));
        deliver("pull_request", closed(true));
        deliver("pull_request", closed(true)); // redelivered under a new id: ticks nothing twice

        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/7");
        assertEquals(1, edits.size(), "the merged task's checklist item is ticked once");
        assertEquals(BODY.replace("- [ ] Add a discount rule", "- [x] Add a discount rule"),
                edits.get(0).body().path("body").asText(), "only that line's checkbox changes");
        assertTrue(edits.get(0).body().path("state").isMissingNode(), "two tasks are not merged: the issue stays open");

        assertFalse(Files.exists(worktree(BRANCH)), "worktree removed");
        assertEquals(1, github.requests("DELETE", "/repos/octo-org/shop/git/refs/heads/" + BRANCH).size());
        assertEquals("", GitFixtures.runGit(cacheClone(), "branch", "--list", BRANCH), "local branch deleted");
        assertEquals(1, GitFixtures.runGit(cacheClone(), "worktree", "list").lines().count());
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("merged: worktree removed; branch deleted"), tracking);
        assertCleanTraffic();
    }

    @Test
    void whenEveryTaskIsMergedGrovePostsASummaryAndClosesTheIssue() throws Exception {
        github.stubIssue(REPO, ISSUE, BODY);
        github.stubEditIssue(REPO, ISSUE);
        startServer(exampleAgent(0));
        comment("/grove run");
        for (int i = 0; i < BRANCHES.size(); i++) {
            assertTrue(github.requests("PATCH", "/repos/octo-org/shop/issues/7").stream()
                    .noneMatch(r -> r.body().has("state")), "not closed before the last merge");
            deliver("pull_request", closed(101 + i, BRANCHES.get(i), true));
        }

        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/7");
        assertEquals(4, edits.size(), "three ticks, then the close: " + edits);
        assertEquals("closed", edits.get(3).body().path("state").asText());
        assertEquals("completed", edits.get(3).body().path("state_reason").asText());
        String summary = commentsOn(ISSUE).get(commentsOn(ISSUE).size() - 1);
        assertTrue(summary.startsWith("All 3 task pull requests of #7 are merged:"), summary);
        assertTrue(summary.contains("- #101 Add a discount rule") && summary.contains("- #103 Write the release notes"),
                summary);
        assertCleanTraffic();
    }

    @Test
    void anUnmergedPullRequestRemovesTheWorktreeAndKeepsTheBranch() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "delete_branch_on_merge: true\n", "cc33");
        startServer(exampleAgent(0));
        String head = runTaskOne();
        deliver("pull_request", closed(false));

        assertFalse(Files.exists(worktree(BRANCH)), "worktree removed");
        assertTrue(github.requests("DELETE", ".*").isEmpty(), "no branch deleted");
        assertEquals(head, GitFixtures.originBranchSha(origin, BRANCH));
        GitFixtures.runGit(cacheClone(), "rev-parse", "--verify", "refs/heads/" + BRANCH);
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("closed unmerged: worktree removed; branch kept"), tracking);

        deliver("issue_comment", pullRequestComment(101, "/grove revise one more thing"));
        assertEquals(head, GitFixtures.originBranchSha(origin, BRANCH), "a closed PR is not revised");
        assertTrue(commentsOn(101).get(commentsOn(101).size() - 1).contains("closed unmerged"), commentsOn(101).toString());

        comment("/grove run");
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .filter(r -> r.body().path("head").asText().equals(BRANCH)).count(), "a closed task is not run again");
        assertEquals(head, GitFixtures.originBranchSha(origin, BRANCH));
        assertCleanTraffic();
    }
}
