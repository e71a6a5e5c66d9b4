package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.github.PullRequestRef;
import dev.grove.testing.GitFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Planning through a running {@code grove serve}: a {@code grove} YAML block with {@code after} and an overlapping
 * pair (waves, the merge check, a task flagged for changing files outside its paths), a cycle (nothing runs), and an
 * issue without a written plan that the planner agent splits.
 */
class PlanningFlowIT extends GroveE2E {
    void stubPulls(List<String> branches) {
        int n = 101;
        for (String branch : branches) {
            github.stubCreatePull(REPO, branch, new PullRequestRef(n, "https://github.com/" + REPO + "/pull/" + n));
            n++;
        }
    }

    @Test
    void aGroveBlockRunsInWavesStackedOnWhatTheyWaitForAndTheTrackingCommentShowsOutOfScopeChanges() throws Exception {
        List<String> branches = List.of("grove/7-add-a-discount-rule", "grove/7-log-cart-changes",
                "grove/7-write-the-release-notes", "grove/7-tidy-the-java-sources");
        stubPulls(branches);
        startServer("EXAMPLE_AGENT_SECONDS=0.2 sh '" + EXAMPLE_AGENT + "'");
        labelIssue("""
                The release, planned:

                ```grove
                tasks:
                  - title: Add a discount rule
                    paths: [src/cart/**]
                  - title: Log cart changes
                    instructions: One line per change.
                    paths: src/cart/CHANGES.md
                  - title: Write the release notes
                    paths: [docs/**]
                    after: [Add a discount rule]
                  - title: Tidy the Java sources
                    paths: ["src/**/*.java"]
                ```
                """);

        assertEquals(Set.copyOf(branches), groveBranchesOnOrigin());
        // task 2 waits for task 1 (both may touch src/cart/CHANGES.md): it is stacked on task 1's branch, so the
        // line it appends comes after task 1's instead of conflicting with it
        assertEquals(GitFixtures.originBranchSha(origin, "grove/7-add-a-discount-rule"),
                GitFixtures.runGit(origin, "rev-parse", "grove/7-log-cart-changes^"));
        assertEquals("src/cart/CHANGES.md", GitFixtures.runGit(origin, "diff", "--name-only",
                "grove/7-add-a-discount-rule", "grove/7-log-cart-changes"));
        String comment = lastTrackingComment();
        assertTrue(comment.contains("(done)"), comment);
        assertTrue(comment.contains("**Waves**: 1: task 1 · 2: task 2, task 3 · 3: task 4"), comment);
        assertTrue(comment.contains("- Task 2 (Log cart changes) waits for task 1 (Add a discount rule): `src/cart/**` "
                + "and `src/cart/CHANGES.md` may cover the same files."), comment);
        assertTrue(comment.contains("- Task 3 (Write the release notes) waits for task 1 (Add a discount rule): it "
                + "names it in `after`."), comment);
        assertTrue(comment.contains("| 2 | Log cart changes | :white_check_mark: PR opened: stacked on task 1 (#101) |"),
                comment);
        assertTrue(comment.contains("| 4 | Tidy the Java sources | :white_check_mark: PR opened: stacked on task 2 (#102) |"),
                comment);
        assertTrue(comment.contains("- :white_check_mark: Merge cleanly: task 1 + task 2 · task 1 + task 3 · task 1 + task 4 · "
                + "task 2 + task 3 · task 2 + task 4 · task 3 + task 4"), comment);
        assertTrue(comment.contains("- All 4 merge together cleanly, in any order."), comment);
        // the example agent writes src/CHANGES.md for `src/**/*.java`: outside the task's paths
        assertTrue(comment.contains("- :warning: Task 4 changed `src/CHANGES.md`"), comment);

        Map<String, String> bodies = github.requests("POST", "/repos/octo-org/shop/pulls").stream().collect(
                Collectors.toMap(r -> r.body().path("head").asText(), r -> r.body().path("body").asText()));
        assertEquals(4, bodies.size());
        assertTrue(bodies.get("grove/7-tidy-the-java-sources").contains("This task changed 1 file outside its paths "
                + "(`src/**/*.java`): `src/CHANGES.md`."), bodies.get("grove/7-tidy-the-java-sources"));
        assertFalse(bodies.get("grove/7-add-a-discount-rule").contains("outside its paths"));

        Map<String, String> bases = github.requests("POST", "/repos/octo-org/shop/pulls").stream().collect(
                Collectors.toMap(r -> r.body().path("head").asText(), r -> r.body().path("base").asText()));
        assertEquals(Map.of("grove/7-add-a-discount-rule", "main", "grove/7-log-cart-changes", "grove/7-add-a-discount-rule",
                "grove/7-write-the-release-notes", "grove/7-add-a-discount-rule",
                "grove/7-tidy-the-java-sources", "grove/7-log-cart-changes"), bases, "the stacked PRs' bases");
        assertTrue(github.requests("PATCH", "/repos/octo-org/shop/check-runs/7001").stream()
                .noneMatch(r -> r.body().path("output").path("title").asText().startsWith("Conflicts")), "no conflict");
        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aCycleOfAfterIsReportedAndNothingRuns() throws Exception {
        startServer("EXAMPLE_AGENT_SECONDS=0 sh '" + EXAMPLE_AGENT + "'");
        Map<String, String> refs = GitFixtures.refs(origin);
        labelIssue("""
                ```grove
                tasks:
                  - title: A
                    paths: [a/**]
                    after: [B]
                  - title: B
                    paths: [b/**]
                    after: [A]
                ```
                """);

        assertEquals(refs, GitFixtures.refs(origin), "nothing pushed");
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        String comment = lastTrackingComment();
        assertTrue(comment.contains(":warning: The tasks' `after` lists form a cycle: task 1 (A) waits for task 2 (B) "
                + "waits for task 1 (A); nothing runs."), comment);
        assertFalse(Files.exists(dataDir.resolve("worktrees")), "no worktree was made");
        github.assertNoUnmatchedRequests();
    }

    @Test
    void withoutAWrittenPlanThePlannerAgentSplitsTheIssue() throws Exception {
        List<String> branches = List.of("grove/7-write-the-guide", "grove/7-touch-the-app");
        stubPulls(branches);
        Path agent = tmp.resolve("agent.sh");
        Files.writeString(agent, """
                if [ "${GROVE_PLANNING:-}" = 1 ]; then
                  cat > /dev/null
                  echo 'I looked at the tree. Plan:'
                  echo '{"tasks": [{"title": "Write the guide", "paths": ["docs/**"]},'
                  echo '  {"title": "Touch the app", "instructions": "Keep it small.", "paths": ["src/main/java/demo/**"]}]}'
                  echo 'planner was here' > README.md
                  exit 0
                fi
                EXAMPLE_AGENT_SECONDS=0.2 exec sh "$1"
                """);
        // the example agent is named on the command line: the sandbox shows an agent only the files its command names
        startServer("sh '" + agent + "' '" + EXAMPLE_AGENT + "'");
        labelIssue("Make the docs and the app nicer. No checklist here.");

        assertEquals(Set.copyOf(branches), groveBranchesOnOrigin());
        assertEquals("docs/CHANGES.md", GitFixtures.runGit(origin, "diff", "--name-only", "main", branches.get(0)));
        assertEquals("src/main/java/demo/CHANGES.md",
                GitFixtures.runGit(origin, "diff", "--name-only", "main", branches.get(1)));
        String comment = lastTrackingComment();
        assertTrue(comment.contains("- All 2 merge together cleanly, in any order."), comment);
        assertTrue(Files.isRegularFile(dataDir.resolve("tasks/octo-org/shop/7/plan/planner-1.log")));
        Path clone = dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
        assertEquals(3, GitFixtures.runGit(clone, "worktree", "list").lines().count(),
                "the two task worktrees; the planning worktree is gone");
        assertFalse(GitFixtures.runGit(clone, "for-each-ref", "--format=%(refname)", "refs/heads/").contains("-plan-"));
        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }
}
