package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentReport;
import dev.grove.agent.AgentRunner;
import dev.grove.command.Triggers;
import dev.grove.github.CheckRunRequest;
import dev.grove.model.Attempt;
import dev.grove.model.Durations;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Plan;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.PipelineFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestration (IssueRunner, TaskPipeline, Reviser, ExperimentRunner, the planner) against the shared recording
 * GitHub, a real origin and in-JVM agents; and the drift the four copies of the pipeline had, each fixed once: a
 * revise and a {@code /grove try} attempt are charged to the issue's budget and recorded, {@code /grove cancel}
 * reaches attempts and the planner, attempts verify before they push, durations read as people write them.
 */
class OrchestrationTest {
    static final String TWO_TASKS = "- [ ] Docs\n  paths: docs/**\n- [ ] Code\n  paths: src/**\n";
    static final String NO_PLAN = "Make the app better.";

    @TempDir
    Path tmp;

    /** Writes {@code <GROVE_TASK_NUMBER>.md} in the task's path and reports its cost. */
    static AgentRunner perTask(Double cost) {
        return r -> {
            String dir = r.taskEnv().getOrDefault("GROVE_TASK_PATHS", "").startsWith("docs") ? "docs/" : "src/";
            try {
                Files.writeString(r.workDir().resolve(dir + "note-" + r.taskEnv().get("GROVE_TASK_NUMBER") + ".md"),
                        "by the agent\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new AgentOutcome.Finished("done", Duration.ofSeconds(1),
                    new AgentReport("done", 1, cost, null, "s-1", null));
        };
    }

    @Test
    void anIssueRunsTaskByTaskIntoPullRequestsWithCheckRuns() {
        try (PipelineFixture f = new PipelineFixture(tmp, perTask(null), IssueBudget.UNLIMITED, 2)) {
            IssueRunner.Result result = f.runner.run(f.request("Two things", TWO_TASKS), RunOptions.all(f.config()));

            assertEquals(List.of(TaskStatus.PR_OPENED, TaskStatus.PR_OPENED),
                    result.tasks().stream().map(TaskRecord::status).toList());
            assertEquals(Set.of("grove/7-docs", "grove/7-code"),
                    Set.copyOf(f.github.openedPullRequests().stream().map(d -> d.head()).toList()));
            assertTrue(GitFixtures.refs(f.origin).containsKey("refs/heads/grove/7-docs"));
            assertEquals(1, f.github.commentsOn(7).size(), "one tracking comment, edited after that");
            assertTrue(f.github.bodies().get(f.github.bodies().size() - 1).contains("PR opened"));
            assertEquals(List.of("completed", "completed"), f.github.checkRuns().values().stream()
                    .map(CheckRunRequest::status).toList());
        }
    }

    @Test
    void aTaskWhoseAgentLeavesItsBranchFailsAndPushesNothing() {
        AgentRunner wanderer = r -> {
            GitFixtures.runGit(r.workDir(), "checkout", "-q", "-b", "elsewhere");
            return new AgentOutcome.Finished("", Duration.ZERO);
        };
        try (PipelineFixture f = new PipelineFixture(tmp, wanderer, IssueBudget.UNLIMITED, 1)) {
            Map<String, String> before = GitFixtures.refs(f.origin);
            TaskRecord task = f.runner.run(f.request("One", "- [ ] Docs\n  paths: docs/**\n")).tasks().get(0);

            assertEquals(TaskStatus.FAILED, task.status());
            assertTrue(task.message().contains("moved the worktree off `grove/7-docs` (to `elsewhere`)"), task.message());
            assertEquals(before, GitFixtures.refs(f.origin));
            assertTrue(f.github.openedPullRequests().isEmpty());
        }
    }

    @Test
    void aReviseIsChargedToTheIssueBudgetAndRecordedOnItsTask() {
        try (PipelineFixture f = new PipelineFixture(tmp, perTask(0.4), new IssueBudget(0.5, null), 1)) {
            TaskRecord task = f.runner.run(f.request("One", "- [ ] Docs\n  paths: docs/**\n")).tasks().get(0);
            assertEquals(0.4, task.agentRun().spentUsd(), 1e-9);
            String headBefore = GitFixtures.originBranchSha(f.origin, "grove/7-docs");

            f.reviser.revise(revise(f, task.prNumber()), f.config());
            TaskRecord revised = f.store.task(task.key()).orElseThrow();
            assertEquals(0.8, revised.agentRun().spentUsd(), 1e-9, "the revise's cost is recorded on the task");
            assertTrue(f.github.commentsOn(task.prNumber()).get(0).startsWith("Pushed "),
                    f.github.commentsOn(task.prNumber()).toString());
            String headAfter = GitFixtures.originBranchSha(f.origin, "grove/7-docs");
            assertFalse(headAfter.equals(headBefore));

            f.reviser.revise(revise(f, task.prNumber()), f.config());
            String refused = f.github.commentsOn(task.prNumber()).get(1);
            assertTrue(refused.contains("the issue's agent budget of $0.50 is spent ($0.80 so far)"), refused);
            assertEquals(headAfter, GitFixtures.originBranchSha(f.origin, "grove/7-docs"), "nothing pushed");
            assertEquals(0.8, f.store.task(task.key()).orElseThrow().agentRun().spentUsd(), 1e-9);
        }
    }

    static ReviseRequest revise(PipelineFixture f, int pr) {
        return new ReviseRequest(PipelineFixture.REPO, 1, GitFixtures.fileUrl(f.origin), "main", pr,
                "Say more.", List.of(), PipelineFixture.USER);
    }

    @Test
    void tryAttemptsAreChargedToTheIssueBudgetAndRecorded() throws Exception {
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("notes.txt", 0.6),
                new IssueBudget(0.5, null), 1)) {
            var ran = (ExperimentRunner.TryOutcome.Ran) f.experiments.tryAttempts(f.request("Notes", "Write notes."), 2,
                    null, new ExperimentSettings(null, null, 5));

            // the attempts share one slot: whichever starts first spends $0.60, and the other finds the budget spent
            List<Attempt> pushed = ran.attempts().stream().filter(Attempt::pushed).toList();
            List<Attempt> refused = ran.attempts().stream().filter(a -> !a.pushed()).toList();
            assertEquals(1, pushed.size(), ran.attempts().toString());
            assertEquals(1, refused.size(), ran.attempts().toString());
            assertTrue(refused.get(0).note().contains("the issue's agent budget of $0.50 is spent"),
                    refused.get(0).note());
            TaskRecord recorded = f.store.task(TaskKey.attempt(PipelineFixture.REPO, 7, pushed.get(0).number()))
                    .orElseThrow();
            assertEquals(0.6, recorded.agentRun().spentUsd(), 1e-9);
            assertEquals(TaskStatus.PUSHED, recorded.status());
        }
    }

    @Test
    void cancelStopsATryAttempt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.waitingForCancel(started,
                Duration.ofSeconds(20)), IssueBudget.UNLIMITED, 1)) {
            Future<ExperimentRunner.TryOutcome> trying = f.pool.submit(() -> f.experiments.tryAttempts(
                    f.request("Notes", "Write notes."), 1, null, new ExperimentSettings(null, null, 5)));
            assertTrue(started.await(20, TimeUnit.SECONDS));

            f.dispatcher.onComment(new Triggers.Comment(f.request("Notes", "Write notes."), "/grove cancel", false));

            var ran = (ExperimentRunner.TryOutcome.Ran) trying.get(15, TimeUnit.SECONDS);
            assertTrue(ran.attempts().get(0).note().contains("cancelled by @alice"), ran.attempts().get(0).note());
            assertTrue(f.github.commentsOn(7).stream().anyMatch(c -> c.startsWith("Cancelling attempt 1 as @alice")),
                    f.github.commentsOn(7).toString());
        }
    }

    @Test
    void cancelStopsThePlannerAndNothingRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.waitingForCancel(started,
                Duration.ofSeconds(20)), IssueBudget.UNLIMITED, 1)) {
            Future<Plan> planning = f.pool.submit(() -> f.runner.plan(f.request("Better", NO_PLAN), f.config()));
            assertTrue(started.await(20, TimeUnit.SECONDS));

            f.dispatcher.onComment(new Triggers.Comment(f.request("Better", NO_PLAN), "/grove cancel", false));

            Plan plan = planning.get(15, TimeUnit.SECONDS);
            assertNotNull(plan.problem());
            assertTrue(plan.problem().contains("cancelled by @alice"), plan.problem());
            assertTrue(plan.tasks().isEmpty());
            assertEquals(TaskStatus.FAILED, f.store.task(TaskKey.planner(PipelineFixture.REPO, 7)).orElseThrow().status());
        }
    }

    /** The repository's defaults with {@code verify} set. */
    static dev.grove.config.RepoConfig verifying(PipelineFixture f, String verify) {
        dev.grove.config.RepoConfig d = f.config();
        return new dev.grove.config.RepoConfig(d.triggerLabel(), d.maxParallel(), d.branchPrefix(), d.base(),
                d.permission(), d.requireCodeOwners(), d.agent(), verify, d.verifyTimeout(), d.draftOnFailure(),
                d.deleteBranchOnMerge(), d.maxTasks(), d.measure(), d.budget(), d.closeIssue(), d.ciFixAttempts(),
                d.setup(), d.autoResolve());
    }

    @Test
    void aTaskResumedAfterItsPushReportsWhatVerifySaidOfThatHead() throws Exception {
        for (String verify : List.of("test -f notes.txt", "test ! -f notes.txt")) {
            Path dir = Files.createTempDirectory(tmp, "resume");
            try (PipelineFixture f = new PipelineFixture(dir, PipelineFixture.writing("notes.txt", null),
                    IssueBudget.UNLIMITED, 1)) {
                RunOptions opts = RunOptions.all(verifying(f, verify));
                var req = f.request("Notes", "- [ ] Write notes\n");
                // the process stops right after the push: no check run made, no pull request opened
                f.github.failOnce("createCheckRun").failOnce("openPullRequest");
                TaskRecord pushed = f.runner.run(req, opts).tasks().get(0);
                assertEquals(TaskStatus.PUSHED, pushed.status(), pushed.toString());
                assertTrue(f.github.checkRuns().isEmpty());
                // as a kill -9 between the push and its record leaves it: PUSHING, with what verify said just before
                f.store.saveTask(pushed.withStatus(TaskStatus.PUSHING).withHeadSha(null));

                TaskRecord resumed = f.runner.run(req, opts).tasks().get(0);
                assertEquals(TaskStatus.PR_OPENED, resumed.status(), resumed.toString());
                boolean passes = verify.equals("test -f notes.txt");
                assertEquals(1, f.github.checkRuns().size(), f.github.checkRuns().toString());
                CheckRunRequest check = f.github.checkRuns().values().iterator().next();
                assertEquals(passes ? "success" : "failure", check.conclusion(), check.toString());
                assertTrue(check.summary().contains("Verify ran on this head before the push"), check.summary());
                String body = f.github.openedPullRequests().get(0).body();
                assertTrue(body.contains("### Verify\n" + (passes ? ":white_check_mark:" : ":x:")), body);
                assertEquals(!passes, f.github.openedPullRequests().get(0).draft(), "a failed verify opens a draft");
            }
        }
    }

    @Test
    void attemptsVerifyBeforeTheyPush() throws Exception {
        String notPushedYet = "test -z \"$(git ls-remote origin refs/heads/grove/7-try-1)\"";
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("notes.txt", null),
                IssueBudget.UNLIMITED, 1)) {
            var ran = (ExperimentRunner.TryOutcome.Ran) f.experiments.tryAttempts(f.request("Notes", "Write notes."), 1,
                    null, new ExperimentSettings(notPushedYet, null, 5));

            Attempt a = ran.attempts().get(0);
            assertTrue(a.pushed());
            assertEquals(Boolean.TRUE, a.verified(), "verify ran while origin had no branch yet: " + a.note());
            assertTrue(GitFixtures.refs(f.origin).containsKey("refs/heads/grove/7-try-1"), "then it was pushed");
        }
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        AgentRunner slow = r -> new AgentOutcome.TimedOut(Duration.ofMinutes(10), "", Duration.ofMinutes(10));
        try (PipelineFixture f = new PipelineFixture(tmp, slow, IssueBudget.UNLIMITED, 1)) {
            Plan plan = f.runner.plan(f.request("Better", NO_PLAN), f.config());

            String note = String.join("\n", plan.notes());
            assertTrue(note.contains("the planner agent ran past its 10m timeout"), note);
            assertFalse(note.contains("PT10M"), note);
        }
        assertEquals("10m", Durations.format(Duration.ofMinutes(10)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));
        assertEquals("3m 05s", Durations.format(Duration.ofSeconds(185)));
        assertEquals(Duration.ofMinutes(10), Durations.parse(Durations.format(Duration.ofMinutes(10))));
    }
}
