package dev.grove.pipeline;

import dev.grove.agent.AgentMessages;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.TaskEnvironment;
import dev.grove.agent.TaskPrompt;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.VerifyNote;
import dev.grove.plan.PathGlobs;
import dev.grove.plan.Task;
import dev.grove.publish.CheckRunReporter;
import dev.grove.publish.PublishOutcome;
import dev.grove.publish.Publisher;
import dev.grove.publish.PullRequests;
import dev.grove.report.PullRequestBodyRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's steps: worktree, setup and the prompt's context ({@link BeforeAgent}), agent, publish (commit,
 * verify, guarded push), PR. Each step records where the task stands, so a retry resumes after the last step that
 * took effect. A failed setup, agent or push leaves the worktree, branch and log in place and pushes nothing; a task
 * that changed nothing leaves nothing behind.
 */
final class TaskPipeline {
    private static final Logger log = LoggerFactory.getLogger(TaskPipeline.class);

    private final PipelineSteps steps;
    private final TaskRun run;
    private final GitHubGateway github;
    private final CheckRunReporter checks;
    private final PullRequestBodyRenderer bodies = new PullRequestBodyRenderer();

    /**
     * One issue's run, as its tasks share it: the request, the repository's config and the branch PRs go to, the
     * synced clone and base commit, the runner's settings; {@code changed} is told after each step (the tracking
     * comment); {@code outsideSink} is told, by task number, the files a task changed outside its paths; progress
     * lines reach {@code listener} at most once per {@code progressInterval}.
     */
    record TaskRun(RunRequest req, RepoConfig config, String base, CachedRepo cachedRepo, String baseSha,
            RunnerSettings settings, Runnable changed, BiConsumer<Integer, List<String>> outsideSink,
            TaskProgressListener listener, Duration progressInterval) {
    }

    TaskPipeline(PipelineSteps steps, TaskRun run) {
        this.steps = steps;
        this.run = run;
        this.github = steps.gateways().apply(run.req().installationId());
        this.checks = new CheckRunReporter(github, steps.store());
    }

    /** Runs the task from where {@code from} says (a held task is left waiting, with why). */
    void run(Task task, TaskKey key, StackStart from) {
        TaskRecord rec = steps.store().task(key).orElseThrow();
        if (rec.status().hasPullRequest()) {
            return;
        }
        if (from instanceof StackStart.Held held) {
            save(rec.withStatus(TaskStatus.WAITING).withMessage(held.why()));
            return;
        }
        if (rec.status() == TaskStatus.PUSHED) {
            // pushed by a run that stopped: its check run (found, or made now) is completed once the PR is settled
            long check = checks.resume(run.req().repo(), key, task.title(), rec.headSha(), steps.clock().instant());
            openPullRequest(task, rec, null, "", check, steps.clock().instant(), null, from);
            return;
        }
        Instant start = steps.clock().instant();
        rec = save(rec.withStatus(TaskStatus.RUNNING).withMessage(null).withElapsed(null));
        try {
            runAgentAndPublish(task, rec, start, from);
        } catch (RuntimeException e) {
            log.warn("task {} failed: {}", key, e.getMessage());
            save(steps.store().task(key).orElse(rec).withStatus(TaskStatus.FAILED).withMessage(e.getMessage())
                    .withElapsed(Duration.between(start, steps.clock().instant())));
        }
    }

    private TaskRecord runAgentAndPublish(Task task, TaskRecord rec, Instant start, StackStart from) {
        var refused = steps.agents().refusal(rec.key(), run.config());
        if (refused.isPresent()) {
            return fail(rec, refused.get(), Duration.ZERO);
        }
        String branch = rec.branch();
        String startSha = from instanceof StackStart.Stacked s ? s.sha()
                : from instanceof StackStart.Base b && b.sha() != null ? b.sha() : run.baseSha();
        Worktree wt = steps.workspaces().provision(run.cachedRepo(), branch, startSha);
        Path taskDir = steps.workspaces().logDir(rec.key());
        Path logFile = taskDir.resolve("agent.log");
        Path eventLog = taskDir.resolve("events.log");
        deleteIfExists(eventLog);
        var setupFailed = BeforeAgent.setup(steps, run.config(), wt.dir(), taskDir);
        if (setupFailed.isPresent()) {
            return fail(rec, setupFailed.get(), Duration.between(start, steps.clock().instant()));
        }
        var context = BeforeAgent.context(steps, github, run.config(), run.req().repo(), run.req().issueNumber(), wt.dir());
        ProgressSink progress = new ProgressSink(rec.key(), eventLog, steps, run, this::save);
        AgentRequest request = new AgentRequest(wt.dir(), TaskPrompt.forTask(run.req().repo(), run.req().issueNumber(),
                run.req().issueTitle(), task, branch, null, context), taskDir.resolve("prompt.md"),
                TaskEnvironment.of(run.req().repo(), run.req().issueNumber(), task), null, logFile, progress, null, null);
        AgentStep.Result result = steps.agents().run(rec.key(), run.config(), request, eventLog.toString(), (a, r) -> {
            try {
                return a.run(r);
            } finally {
                progress.close();
            }
        });
        Duration elapsed = Duration.between(start, steps.clock().instant());
        if (result instanceof AgentStep.Result.NotRun n) {
            return fail(rec, n.message(), Duration.ZERO);
        }
        AgentStep.Result.Ran ran = (AgentStep.Result.Ran) result;
        rec = ran.record();
        AgentOutcome outcome = ran.outcome();
        if (outcome instanceof AgentOutcome.Cancelled c) {
            return fail(rec, "cancelled (" + c.reason() + "): the agent was stopped; worktree, branch and log kept ("
                    + logFile + ")", elapsed);
        }
        if (ran.cancelledBy() != null) {
            return fail(rec, "cancelled by @" + ran.cancelledBy() + "; worktree, branch and log kept", elapsed);
        }
        if (!(outcome instanceof AgentOutcome.Finished)) {
            return fail(rec, AgentMessages.whyNotFinished(outcome) + "; worktree, branch and log kept (" + logFile + ")",
                    elapsed);
        }
        TaskRecord pushing = rec;
        PublishOutcome published = steps.publisher().publish(wt, new Publisher.Publication(task.title() + "\n\nRefs #"
                + run.req().issueNumber(), run.config().verify(), run.config().verifyTimeout(), taskDir,
                run.req().defaultBranch(), true), () -> steps.workspaces().credentials(run.req().installationId()),
                verified -> save(pushing.withStatus(TaskStatus.PUSHING).withVerify(verified)));
        if (published instanceof PublishOutcome.LeftBranch left) {
            return fail(rec, left.message(), elapsed);
        }
        if (published instanceof PublishOutcome.NoChanges) {
            return save(rec.withStatus(TaskStatus.NO_CHANGES).withBranch(null).withElapsed(elapsed)
                    .withMessage("the agent changed nothing; worktree and branch removed"));
        }
        PublishOutcome.Pushed pushed = (PublishOutcome.Pushed) published;
        List<String> outside = outsidePaths(task, pushed.files());
        if (!outside.isEmpty()) {
            run.outsideSink().accept(task.number(), outside);
        }
        rec = save(rec.withStatus(TaskStatus.PUSHED).withHeadSha(pushed.sha()).withVerify(pushed.verify() == null ? null
                : pushed.verify().note(pushed.sha()))
                .withElapsed(Duration.between(start, steps.clock().instant())));
        long check = checks.start(run.req().repo(), rec.key(), task.title(), pushed.sha(), start,
                "Opening the pull request");
        return openPullRequest(task, rec, pushed, outcome.outputTail(), check, start, elapsed, from);
    }

    private TaskRecord openPullRequest(Task task, TaskRecord rec, PublishOutcome.Pushed pushed, String agentTail,
            long check, Instant start, Duration agentTime, StackStart from) {
        TaskRecord on = from instanceof StackStart.Stacked s ? s.on() : null;
        // resumed after a restart (pushed == null): what verify said of this head before the push, if it was recorded
        VerifyNote verify = rec.verifyOfHead();
        List<String> files = pushed == null ? null : pushed.files();
        try {
            boolean draft = verify != null && !verify.passed() && run.config().draftOnFailure();
            String body = bodies.render(run.req().issueNumber(), task, rec.branch(), files, agentTail,
                    files == null ? List.of() : outsidePaths(task, files));
            if (on != null) {
                body = stackedNote(on, run.base()) + "\n\n" + body;
            }
            if (verify != null) {
                body = body + "\n### Verify\n" + (verify.passed() ? ":white_check_mark: " : ":x: ") + verify.summary()
                        + (draft ? " (opened as a draft)" : "") + "\n";
            }
            PullRequestRef pr = PullRequests.openOrFind(github, run.req().repo(), new PullRequestDraft(task.title(),
                    rec.branch(), on != null ? on.branch() : run.base(), body, draft));
            String message = verify != null && !verify.passed() ? "verify failed" : null;
            if (on != null) {
                message = (message == null ? "" : message + "; ") + stackedStatus(on);
            }
            TaskRecord opened = save(rec.withStatus(TaskStatus.PR_OPENED).withPullRequest(pr.number(), pr.htmlUrl())
                    .withMessage(message));
            completeCheck(opened, check, pushed, agentTail, start, agentTime);
            return opened;
        } catch (IOException | RuntimeException e) {
            completeCheck(rec, check, pushed, agentTail, start, agentTime);
            log.warn("task {}: pushed, but the PR could not be opened: {}", rec.key(), e.getMessage());
            return save(rec.withMessage("pushed, but the PR could not be opened: " + e.getMessage()
                    + " (run again to retry)"));
        }
    }

    private void completeCheck(TaskRecord rec, long check, PublishOutcome.Pushed pushed, String agentTail,
            Instant start, Duration agentTime) {
        if (check < 0) {
            return;
        }
        if (pushed == null) {
            checks.completeResumed(run.req().repo(), rec.key(), check, rec.branch(), rec.prNumber(),
                    rec.verifyOfHead(),
                    steps.clock().instant());
            return;
        }
        String title = CheckRunReporter.verifyTitle("Pushed", pushed.verify());
        checks.completePushed(run.req().repo(), rec.key(), check, title, title + " on `" + rec.branch() + "`.", pushed,
                agentTail, agentTime, start, steps.clock().instant());
    }

    /** The first line of a stacked PR's body: what it is stacked on and what happens when that merges. */
    static String stackedNote(TaskRecord on, String base) {
        return "Stacked on " + (on.prNumber() == null ? "`" + on.branch() + "`" : "#" + on.prNumber() + " (`"
                + on.branch() + "`)") + "; retargeted to `" + base + "` when that merges.";
    }

    /** What the tracking comment shows of a stacked task while its predecessor is open. */
    static String stackedStatus(TaskRecord on) {
        return STACKED_ON + on.number() + (on.prNumber() == null ? "" : " (#" + on.prNumber() + ")");
    }

    static final String STACKED_ON = "stacked on task ";

    /** The changed files that match none of the task's path globs; empty when the task names no paths. */
    static List<String> outsidePaths(Task task, List<String> files) {
        if (task.paths().isEmpty()) {
            return List.of();
        }
        return files.stream().filter(f -> task.paths().stream().noneMatch(g -> PathGlobs.matches(g, f))).toList();
    }

    private TaskRecord fail(TaskRecord rec, String message, Duration elapsed) {
        return save(steps.store().task(rec.key()).orElse(rec).withStatus(TaskStatus.FAILED).withMessage(message)
                .withElapsed(elapsed));
    }

    private TaskRecord save(TaskRecord rec) {
        steps.store().saveTask(rec);
        run.changed().run();
        return rec;
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("could not delete {}: {}", file, e.getMessage());
        }
    }
}
