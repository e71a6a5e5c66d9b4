package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import dev.grove.testing.WebhookFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Stacked tasks: a task that waits for another starts from that task's pushed branch, its PR stacked on it; when the
 * predecessor merges, the PR is retargeted to the default branch and the default branch merged into it (never a
 * force push); a task with several predecessors waits until they are all merged, then starts from the updated base.
 */
class StackedTasksFlowIT extends GroveE2E {
    static final String ONE = "grove/7-add-a-discount-rule";
    static final String TWO = "grove/7-show-the-discount";
    static final String THREE = "grove/7-announce-the-discount";

    static final String STACK = """
            ```grove
            tasks:
              - title: Add a discount rule
                paths: [src/cart/**]
              - title: Show the discount
                paths: [src/ui/**]
                after: [1]
            ```
            """;

    static final String FAN_IN = """
            ```grove
            tasks:
              - title: Add a discount rule
                paths: [src/cart/**]
              - title: Show the discount
                paths: [src/ui/**]
              - title: Announce the discount
                paths: [docs/**]
                after: [1, 2]
            ```
            """;

    @Test
    void aTaskThatWaitsStartsFromItsPredecessorsBranchAndIsRetargetedWhenItMerges() throws Exception {
        github.stubCreatePull(REPO, TWO, pr(102));
        github.stubUpdatePull(REPO, pr(102));
        github.stubIssue(REPO, ISSUE, STACK);
        github.stubEditIssue(REPO, ISSUE);
        startServer(exampleAgent(0));
        labelIssue(STACK);

        assertEquals(Set.of(ONE, TWO), groveBranchesOnOrigin());
        String one = GitFixtures.originBranchSha(origin, ONE);
        String two = GitFixtures.originBranchSha(origin, TWO);
        assertEquals(one, GitFixtures.runGit(origin, "rev-parse", two + "^"), "task 2 is one commit on top of task 1");
        assertEquals("src/ui/CHANGES.md", GitFixtures.runGit(origin, "diff", "--name-only", ONE, TWO),
                "task 2's commit holds only its own change");

        Map<String, JsonNode> pulls = github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .collect(Collectors.toMap(r -> r.body().path("head").asText(), ReceivedRequest::body));
        assertEquals("main", pulls.get(ONE).path("base").asText());
        assertEquals(ONE, pulls.get(TWO).path("base").asText(), "task 2's PR is stacked on task 1's branch");
        assertTrue(pulls.get(TWO).path("body").asText().startsWith("Stacked on #101 (`" + ONE
                + "`); retargeted to `main` when that merges."), pulls.get(TWO).path("body").asText());
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("stacked on task 1 (#101)"), tracking);

        // someone pushes to the stacked branch; then GitHub merges #101 into main
        String human = GitFixtures.commitOnOrigin(origin, TWO, "src/ui/Banner.txt", "50% off\n", "Add the banner");
        String main = mergeOnOrigin(ONE);
        deliver("pull_request", closed(101, ONE));

        List<ReceivedRequest> retargets = github.requests("PATCH", "/repos/octo-org/shop/pulls/102");
        assertEquals(1, retargets.size());
        assertEquals("main", retargets.get(0).body().path("base").asText());
        String updated = GitFixtures.originBranchSha(origin, TWO);
        assertEquals(human + " " + main, GitFixtures.runGit(origin, "log", "-1", "--format=%P", updated),
                "a merge of main on top of the branch as origin held it: nothing rewritten");
        assertTrue(GitFixtures.tryGit(origin, "merge-base", "--is-ancestor", two, updated).exitCode() == 0);
        assertEquals("", GitFixtures.runGit(origin, "diff", "--name-only", updated + "^1", updated, "--", "src/ui"),
                "the human's and the task's changes are kept");
        tracking = lastTrackingComment();
        assertTrue(tracking.contains("retargeted to `main` after #101 merged; `main` merged in (" + updated
                .substring(0, 7) + "); commits pushed by others are kept"), tracking);

        deliver("pull_request", closed(101, ONE)); // redelivered: nothing retargeted or pushed twice
        assertEquals(1, github.requests("PATCH", "/repos/octo-org/shop/pulls/102").size());
        assertEquals(updated, GitFixtures.originBranchSha(origin, TWO));
        assertCleanTraffic();
    }

    @Test
    void aTaskWithSeveralPredecessorsWaitsUntilTheyAreAllMergedThenStartsFromTheBase() throws Exception {
        github.stubCreatePull(REPO, TWO, pr(102));
        github.stubCreatePull(REPO, THREE, pr(103));
        github.stubIssue(REPO, ISSUE, FAN_IN);
        github.stubEditIssue(REPO, ISSUE);
        startServer(exampleAgent(0));
        labelIssue(FAN_IN);

        assertEquals(Set.of(ONE, TWO), groveBranchesOnOrigin(), "task 3 has not started");
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("waits for tasks 1, 2 to be merged (#101, #102); then starts from `main`"),
                tracking);

        mergeOnOrigin(ONE);
        deliver("pull_request", closed(101, ONE));
        assertEquals(Set.of(ONE, TWO), groveBranchesOnOrigin(), "one of two merged: task 3 still waits");
        assertTrue(lastTrackingComment().contains("waits for task 2 to be merged (#102)"), lastTrackingComment());

        String main = mergeOnOrigin(TWO);
        deliver("pull_request", closed(102, TWO));
        assertEquals(Set.of(ONE, TWO, THREE), groveBranchesOnOrigin(), "the last merge started task 3");
        String three = GitFixtures.originBranchSha(origin, THREE);
        assertEquals(main, GitFixtures.runGit(origin, "rev-parse", three + "^"), "from main with both merges in it");
        List<ReceivedRequest> pulls = github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .filter(r -> r.body().path("head").asText().equals(THREE)).toList();
        assertEquals(1, pulls.size());
        assertEquals("main", pulls.get(0).body().path("base").asText());
        assertTrue(github.requests("PATCH", "/repos/octo-org/shop/pulls/.*").isEmpty(), "nothing was stacked");
        assertCleanTraffic();
    }

    static final String FOUR = "grove/7-write-the-release-notes";
    static final String FIVE = "grove/7-publish-the-notes";

    /** {@link #FAN_IN}, and beside task 3 in the second wave a task stacked on a fourth, whose agent is slow. */
    static final String FAN_IN_BESIDE_A_SLOW_ONE = FAN_IN.substring(0, FAN_IN.lastIndexOf("```")) + """
              - title: Write the release notes
                paths: [notes/**]
              - title: Publish the notes
                paths: [site/**]
                after: [4]
            ```
            """;

    @Test
    void predecessorsMergedWhileTheRunIsStillGoingStartTheTaskWaitingForThemWhenTheRunEnds() throws Exception {
        github.stubCreatePull(REPO, TWO, pr(102));
        github.stubCreatePull(REPO, THREE, pr(103));
        github.stubCreatePull(REPO, FOUR, pr(104));
        github.stubCreatePull(REPO, FIVE, pr(105));
        github.stubIssue(REPO, ISSUE, FAN_IN_BESIDE_A_SLOW_ONE);
        github.stubEditIssue(REPO, ISSUE);
        startServer("if [ \"$GROVE_TASK_TITLE\" = 'Publish the notes' ]; then sleep 15; fi; " + exampleAgent(0));
        send("issues", WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin), ISSUE,
                "Release prep", FAN_IN_BESIDE_A_SLOW_ONE, "grove", INSTALLATION));
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        while (!lastTrackingComment().contains("waits for tasks 1, 2 to be merged")) {
            assertTrue(System.nanoTime() < deadline, "task 3 held\n" + lastTrackingComment() + server.output());
            Thread.sleep(50);
        }
        // the second wave runs (task 5 for 15 s) when GitHub merges #101 and #102: the run still holds the issue
        mergeOnOrigin(ONE);
        send("pull_request", closed(101, ONE));
        String main = mergeOnOrigin(TWO);
        send("pull_request", closed(102, TWO));

        deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        while (!groveBranchesOnOrigin().contains(THREE)) { // no job is left waiting: the run starts it as it ends
            assertTrue(System.nanoTime() < deadline, "task 3 started as the run ended\n" + server.output());
            Thread.sleep(100);
        }
        assertTrue(server.awaitIdle(java.time.Duration.ofSeconds(120)), server.output());
        assertEquals(Set.of(ONE, TWO, THREE, FOUR, FIVE), groveBranchesOnOrigin());
        assertEquals(main, GitFixtures.runGit(origin, "rev-parse", GitFixtures.originBranchSha(origin, THREE) + "^"),
                "from main with both merges in it");
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .filter(r -> r.body().path("head").asText().equals(THREE)).count());
        assertTrue(commentsOn(ISSUE).stream().noneMatch(c -> c.contains("still going")),
                "a merge is not answered as a trigger refused: " + commentsOn(ISSUE));
        assertCleanTraffic();
    }

    /** Delivers without waiting for Grove's jobs to finish. */
    void send(String event, ObjectNode payload) throws Exception {
        int n = deliveries.incrementAndGet();
        assertEquals(202, WebhookFixtures.deliver(java.net.URI.create("http://localhost:" + server.port()), event,
                "delivery-" + n, WebhookFixtures.bytes(WebhookFixtures.fresh(payload, n)), SECRET).statusCode());
    }

    /** Tasks 1 and 2 both append a line to README.md (outside their paths), so they conflict; task 3 does not. */
    static final String README_AGENT = "if [ \"$GROVE_TASK_TITLE\" != 'Write the release notes' ]; then "
            + "echo \"$GROVE_TASK_TITLE\" >> README.md; fi; " + exampleAgent(0);

    /**
     * {@link #README_AGENT}, but on a revise it resolves the conflict markers in README.md by keeping both sides (and
     * makes no other change to README.md); files outside its worktree it cannot write.
     */
    static final String RESOLVING_AGENT = "if [ -n \"$GROVE_REVISE\" ]; then "
            + "grep -v -E '^(<<<<<<<|=======|>>>>>>>)' README.md > README.resolved && mv README.resolved README.md; "
            + "elif [ \"$GROVE_TASK_TITLE\" != 'Write the release notes' ]; then "
            + "echo \"$GROVE_TASK_TITLE\" >> README.md; fi; " + exampleAgent(0);

    List<String> runAllThenMergeTheFirst() throws Exception {
        return runAllThenMergeTheFirst(README_AGENT);
    }

    /** Runs the three tasks of {@link #BODY} side by side, then GitHub merges #101. Returns tasks 2's and 3's heads. */
    List<String> runAllThenMergeTheFirst(String agent) throws Exception {
        github.stubIssue(REPO, ISSUE, BODY);
        github.stubEditIssue(REPO, ISSUE);
        startServer(agent);
        comment("/grove run");
        assertEquals(Set.copyOf(BRANCHES), groveBranchesOnOrigin());
        // side by side from the same base, tasks 1 and 2 conflict: the merge check says so, on the issue and their checks
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("- :x: Task 1 and task 2 conflict in `README.md`"), tracking);
        assertTrue(tracking.contains("- All 3 together: conflicts in `README.md`"), tracking);
        assertEquals(Set.of("octo-org/shop#7/add-a-discount-rule", "octo-org/shop#7/make-search-ignore-case"),
                github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + CHECK_RUN).stream()
                        .filter(r -> "neutral".equals(r.body().path("conclusion").asText())
                                && r.body().path("output").path("title").asText().startsWith("Conflicts"))
                        .map(r -> r.body().path("external_id").asText()).collect(Collectors.toSet()));
        List<String> heads = List.of(GitFixtures.originBranchSha(origin, BRANCHES.get(1)),
                GitFixtures.originBranchSha(origin, BRANCHES.get(2)));
        mergeOnOrigin(BRANCHES.get(0));
        deliver("pull_request", closed(101, BRANCHES.get(0)));
        return heads;
    }

    void assertTheCleanOneIsUpToDate(String before) {
        String after = GitFixtures.originBranchSha(origin, BRANCHES.get(2));
        assertEquals(before + " " + GitFixtures.originBranchSha(origin, "main"),
                GitFixtures.runGit(origin, "log", "-1", "--format=%P", after), "main merged into task 3's branch");
        assertTrue(github.requests("PATCH", "/repos/octo-org/shop/pulls/.*").isEmpty(), "nothing was stacked");
    }

    @Test
    void whenATaskMergesACleanPullRequestIsUpdatedAndAConflictingOneIsNamedInAComment() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "auto_resolve: false\n", "cc34");
        List<String> heads = runAllThenMergeTheFirst();

        assertTheCleanOneIsUpToDate(heads.get(1));
        assertEquals(heads.get(0), GitFixtures.originBranchSha(origin, BRANCHES.get(1)), "the conflicting one is left");
        List<String> said = commentsOn(102);
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).startsWith("`main` changed when #101 merged, and merging it into this branch conflicts"
                + " in `README.md`. Grove left the branch as it is (`auto_resolve: false`)"), said.get(0));
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("#101 merged; conflicts with `main` in `README.md`"), tracking);
        assertTrue(commentsOn(103).isEmpty(), "the clean one needs no comment");
        assertCleanTraffic();
    }

    @Test
    void aConflictingPullRequestIsRevisedWithTheConflictNamedByDefault() throws Exception {
        List<String> heads = runAllThenMergeTheFirst(RESOLVING_AGENT);

        assertTheCleanOneIsUpToDate(heads.get(1));
        String prompt = java.nio.file.Files.readString(dataDir.resolve(
                "tasks/octo-org/shop/7/make-search-ignore-case/revise-prompt.md"));
        assertTrue(prompt.contains("`main` changed when #101 merged, and merging it into this branch conflicts in"
                + " `README.md`."), prompt);
        String main = GitFixtures.originBranchSha(origin, "main");
        assertTrue(prompt.contains("Grove is resolving a merge of `main` (" + main.substring(0, 7) + ") into `"
                + BRANCHES.get(1) + "`: the merge is under way in your worktree and these files"
                + " hold conflict markers: `README.md`."), prompt);
        // the revise is the merge of main into the branch, the conflict resolved: both parents, no marker left
        String revised = GitFixtures.originBranchSha(origin, BRANCHES.get(1));
        assertEquals(heads.get(0) + " " + main, GitFixtures.runGit(origin, "log", "-1", "--format=%P", revised),
                "a merge commit of the old head and the new main: nothing rewritten");
        String readme = GitFixtures.runGit(origin, "show", revised + ":README.md");
        assertTrue(!readme.contains("<<<<<<<") && !readme.contains(">>>>>>>") && !readme.contains("======="), readme);
        assertTrue(readme.contains("Add a discount rule") && readme.contains("Make search ignore case"), readme);
        // the PR no longer conflicts: main merges into it cleanly (and is in it already)
        GitFixtures.runGit(origin, "merge-base", "--is-ancestor", main, revised);
        String tree = GitFixtures.runGit(origin, "merge-tree", "--write-tree", revised, main);
        assertEquals(GitFixtures.runGit(origin, "rev-parse", revised + "^{tree}"), tree.strip());
        assertTrue(commentsOn(102).stream().anyMatch(c -> c.startsWith("Merged `main` into `" + BRANCHES.get(1)
                + "`, the conflicts in `README.md` resolved by the agent. Pushed " + revised.substring(0, 7))),
                commentsOn(102).toString());
        assertCleanTraffic();
    }

    @Test
    void aConflictTheAgentLeavesUnresolvedPushesNothingAndSaysSo() throws Exception {
        // on the revise README_AGENT appends to README.md again, leaving the conflict markers in it
        List<String> heads = runAllThenMergeTheFirst(README_AGENT);

        assertTheCleanOneIsUpToDate(heads.get(1));
        assertEquals(heads.get(0), GitFixtures.originBranchSha(origin, BRANCHES.get(1)), "nothing was pushed");
        List<String> said = commentsOn(102);
        assertTrue(said.stream().anyMatch(c -> c.startsWith("The agent left conflict markers in `README.md`, so nothing"
                + " was pushed. Grove aborted the merge of `main` into this branch, so it still conflicts with `main` in"
                + " `README.md`; conflict markers were left in `README.md`. Resolve the conflict here, or ask"
                + " `/grove revise` with what to do.")), said.toString());
        assertFalse(java.nio.file.Files.exists(dataDir.resolve("worktrees/octo-org/shop/grove_7-make-search-ignore-case")),
                "the worktree with the aborted merge is gone");
        assertCleanTraffic();
    }

    /** What GitHub does when it merges a PR: a merge commit of the branch on main. Returns main's new head. */
    String mergeOnOrigin(String branch) {
        Path work = tmp.resolve("merge-" + branch.replace('/', '_'));
        GitFixtures.runGit(tmp, "clone", "--quiet", origin.toString(), work.toString());
        GitFixtures.runGit(work, "merge", "--quiet", "--no-ff", "-m", "Merge " + branch, "origin/" + branch);
        GitFixtures.runGit(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
        return GitFixtures.originBranchSha(origin, "main");
    }

    /**
     * GitHub's {@code pull_request.closed} example, pointed at this PR and branch. ADJUSTED: GitHub publishes no
     * merged example; the docs say {@code merged} is true when a closed PR was merged.
     */
    ObjectNode closed(int number, String branch) {
        ObjectNode p = WebhookFixtures.payload("pull_request.closed.not-merged");
        pointAtRepo(p);
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("number", number);
        ((ObjectNode) pr.get("head")).put("ref", branch);
        pr.put("merged", true);
        pr.put("merged_at", "2026-01-02T03:04:05Z");
        return p;
    }
}
