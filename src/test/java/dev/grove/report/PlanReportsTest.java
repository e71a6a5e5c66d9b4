package dev.grove.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.plan.TaskPlanner;
import dev.grove.model.RunTotals;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge check, waves and outside-paths flags as the tracking comment, the PR body and the demo show them. */
class PlanReportsTest {
    static final RepoRef REPO = new RepoRef("octo", "shop");
    static final List<TaskRecord> TASKS = List.of(
            rec(1, "grove/12-a"), rec(2, "grove/12-b"), rec(3, "grove/12-c"));
    static final MergeCheck CHECK = new MergeCheck(List.of("grove/12-a", "grove/12-b", "grove/12-c"), List.of(
            new MergeCheck.Pair("grove/12-a", "grove/12-b", List.of("src/x.md", "src/y.md")),
            new MergeCheck.Pair("grove/12-a", "grove/12-c", List.of()),
            new MergeCheck.Pair("grove/12-b", "grove/12-c", List.of())), List.of("src/x.md", "src/y.md"),
            List.of("grove/12-b"));

    static TaskRecord rec(int n, String branch) {
        return TaskRecord.queued(new TaskKey(REPO, 12, "t" + n), n, "T" + n).withStatus(TaskStatus.PR_OPENED)
                .withBranch(branch);
    }

    @Test
    void trackingCommentShowsWavesOutsidePathsAndTheMergeCheck() {
        Plan plan = new TaskPlanner().schedule(List.of(new Task(1, "A", "", List.of("src/**")),
                new Task(2, "B", "", List.of("src/x.md")), new Task(3, "C", "", List.of("docs/**"))));
        String md = new TrackingCommentRenderer().render(new RunView(REPO, 12, TASKS, plan.notes(), new RunTotals(Duration.ofSeconds(3), null),
                null, Map.of(3, List.of("src/z.java")), CHECK, plan));
        assertTrue(md.contains("**Waves**: 1: task 1, task 3 · 2: task 2\n"), md);
        assertTrue(md.contains("- :warning: Task 3 changed `src/z.java`\n"), md);
        assertTrue(md.contains("- :x: Task 1 and task 2 conflict in `src/x.md`, `src/y.md`\n"), md);
        assertTrue(md.contains("- :white_check_mark: Merge cleanly: task 1 + task 3 · task 2 + task 3\n"), md);
        assertTrue(md.contains("- All 3 together: conflicts in `src/x.md`, `src/y.md`;"), md);
    }

    @Test
    void aCleanSetSaysItMergesInAnyOrder() {
        MergeCheck clean = new MergeCheck(List.of("grove/12-a", "grove/12-b"),
                List.of(new MergeCheck.Pair("grove/12-a", "grove/12-b", List.of())), List.of(), List.of());
        String md = TrackingCommentRenderer.mergeMatrix(clean, TASKS);
        assertTrue(md.contains("- All 2 merge together cleanly, in any order.\n"), md);
        assertFalse(md.contains(":x:"), md);
    }

    @Test
    void prBodyFlagsFilesOutsideThePaths() {
        Task t = new Task(2, "B", "", List.of("src/b/**"));
        String body = new PullRequestBodyRenderer().render(12, t, "grove/12-b", List.of("src/b/x", "README.md"), "",
                List.of("README.md"));
        assertTrue(body.startsWith("Part of #12\n\n> [!WARNING]\n> This task changed 1 file outside its paths "
                + "(`src/b/**`): `README.md`."), body);
        assertFalse(new PullRequestBodyRenderer().render(12, t, "grove/12-b", List.of("src/b/x"), "").contains("WARNING"));
    }

    @Test
    void demoTextShowsTheMatrix() {
        String text = PlanText.conflictMatrix(CHECK, TASKS);
        assertEquals("""
                Merge check (every pair of pushed branches, merged in memory):
                         T1   T2   T3
                  T1      -   XX   ok
                  T2     XX    -   ok
                  T3     ok   ok    -
                  conflict: T1 + T2 in src/x.md, src/y.md
                  all together: conflicts in src/x.md, src/y.md
                """, text);
    }
}
