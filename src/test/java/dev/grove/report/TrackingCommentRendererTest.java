package dev.grove.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.plan.TaskPlanner;
import dev.grove.model.RunTotals;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingCommentRendererTest {
    static final RepoRef REPO = new RepoRef("octo", "shop");

    static TaskRecord task(int n, String title, TaskStatus s) {
        return TaskRecord.queued(new TaskKey(REPO, 12, "t" + n), n, title).withStatus(s);
    }

    @Test
    void everyTrackingCommentSaysSoWhileTheSandboxIsOff() {
        RunView run = new RunView(REPO, 12, List.of(task(1, "Add login", TaskStatus.RUNNING)), List.of(), null, null);
        dev.grove.sandbox.Sandbox before = dev.grove.sandbox.Sandbox.system();
        try {
            dev.grove.sandbox.Sandbox.install(new dev.grove.sandbox.Sandbox(
                    dev.grove.sandbox.SandboxSettings.fromEnv(Map.of("GROVE_SANDBOX", "off"), List.of())));
            assertTrue(new TrackingCommentRenderer().render(run).contains(TrackingCommentRenderer.UNSANDBOXED));
        } finally {
            dev.grove.sandbox.Sandbox.install(before);
        }
        assertFalse(new TrackingCommentRenderer().render(run).contains("Unsandboxed"), "on by default");
    }

    @Test
    void showsOneRowPerTaskWithStatusBranchAndPr() {
        List<TaskRecord> tasks = List.of(
                task(1, "Add login", TaskStatus.PR_OPENED).withBranch("grove/12-add-login").withPullRequest(34, "u")
                        .withElapsed(Duration.ofSeconds(12)),
                task(2, "Fix | pipes", TaskStatus.RUNNING).withBranch("grove/12-fix-pipes"),
                task(3, "Docs", TaskStatus.FAILED).withMessage("agent exited with code 3"));
        String md = new TrackingCommentRenderer().render(new RunView(REPO, 12, tasks,
                List.of("Task 3 (Docs) waits for task 1 (Add login): both may touch `docs/**`."), null, null));
        assertTrue(md.startsWith(TrackingCommentRenderer.MARKER), md);
        assertTrue(md.contains("3 tasks for #12 (running)"), md);
        assertTrue(md.contains("| 1 | Add login | :white_check_mark: PR opened | `grove/12-add-login` | #34 | 12.0s |"), md);
        assertTrue(md.contains("| 2 | Fix \\| pipes |"), md);
        assertTrue(md.contains(":x: failed: agent exited with code 3"), md);
        assertTrue(md.contains("- Task 3 (Docs) waits for task 1"), md);
        assertFalse(md.contains("Totals"), "no totals while running");
    }

    @Test
    void showsWallTimeAgainstTheSumOfTaskTimesWhenDone() {
        List<TaskRecord> tasks = List.of(
                task(1, "a", TaskStatus.PR_OPENED).withElapsed(Duration.ofSeconds(10)),
                task(2, "b", TaskStatus.PR_OPENED).withElapsed(Duration.ofSeconds(10)),
                task(3, "c", TaskStatus.NO_CHANGES).withElapsed(Duration.ofSeconds(10)));
        String md = new TrackingCommentRenderer().render(new RunView(REPO, 12, tasks, List.of(),
                new RunTotals(Duration.ofSeconds(12), Duration.ofSeconds(30)), null));
        assertTrue(md.contains("(done)"), md);
        assertTrue(md.contains("**Totals:** wall time 12.0s · sum of task times 30.0s · parallel speed-up 2.5×"), md);
    }

    @Test
    void aRunInWhichNoTaskRanShowsNoSpeedUpWhateverTheTasksTookBefore() {
        // a re-trigger: every task already had its PR from an earlier run, so this run ran nothing in 29ms
        List<TaskRecord> tasks = List.of(
                task(1, "a", TaskStatus.PR_OPENED).withElapsed(Duration.ofSeconds(5)),
                task(2, "b", TaskStatus.PR_OPENED).withElapsed(Duration.ofMillis(121)));
        String md = new TrackingCommentRenderer().render(new RunView(REPO, 12, tasks, List.of(),
                new RunTotals(Duration.ofMillis(29), Duration.ZERO), null));
        assertTrue(md.contains("(done)"), md);
        assertFalse(md.contains("speed-up"), md);
        assertFalse(md.contains("Totals"), md);
    }

    @Test
    void aPlanShowsEveryTaskWithThePathsItMayTouchAndItsWave() {
        Plan plan = new TaskPlanner().schedule(List.of(new Task(1, "Add the API", "", List.of("src/api/**")),
                new Task(2, "Use it", "", List.of("src/ui/**", "docs/ui.md"), List.of(1)),
                new Task(3, "Anything", "", List.of())));
        List<TaskRecord> tasks = plan.tasks().stream().map(t -> task(t.number(), t.title(), TaskStatus.PLANNED)).toList();
        String md = new TrackingCommentRenderer().render(new RunView(REPO, 12, tasks, plan.notes(), null, null,
                Map.of(), null, plan));
        assertTrue(md.contains("3 tasks for #12 (planned)"), md);
        assertTrue(md.contains("| # | Task | May touch | Wave | Waits for |"), md);
        assertTrue(md.contains("| 1 | Add the API | `src/api/**` | 1 |  |"), md);
        assertTrue(md.contains("| 2 | Use it | `src/ui/**`, `docs/ui.md` | 2 | task 1 |"), md);
        assertTrue(md.contains("| 3 | Anything | any file (no `paths:` given) | 3 |"), md);
    }

    @Test
    void showsARunLevelProblem() {
        String md = new TrackingCommentRenderer().render(new RunView(REPO, 1, List.of(), List.of(), RunTotals.NONE,
                "The run stopped: could not fetch"));
        assertTrue(md.contains(":warning: The run stopped: could not fetch"), md);
    }

    @Test
    void durations() {
        assertEquals("850ms", Durations.format(Duration.ofMillis(850)));
        assertEquals("3m 05s", Durations.format(Duration.ofSeconds(185)));
        assertEquals("1h 02m", Durations.format(Duration.ofMinutes(62)));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("45"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        for (String bad : new String[] {"", "abc", "10x", "m30", "0s"}) {
            try {
                Durations.parse(bad);
                throw new AssertionError("parsed " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("30m"));
            }
        }
    }
}
