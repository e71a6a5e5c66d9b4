package dev.grove.pipeline;

import dev.grove.agent.AgentListener;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentReport;
import dev.grove.agent.CancelSignal;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RunRequest;
import dev.grove.plan.PathGlobs;
import dev.grove.plan.Task;
import dev.grove.report.CheckRunSummaryRenderer;
import dev.grove.model.Durations;
import dev.grove.model.Money;
import dev.grove.report.PullRequestBodyRenderer;
import dev.grove.model.AgentRun;
import dev.grove.store.StateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's steps: worktree, agent, commit, guarded push, PR. Each step records where the task stands, so a
 * retry resumes after the last step that took effect. A failed agent or push leaves the worktree, branch and log
 * in place and pushes nothing; a task that changed nothing leaves nothing behind.
 */
final class TaskPipeline {
    private static final Logger log = LoggerFactory.getLogger(TaskPipeline.class);
    static final String AUTHOR_NAME = "grove[bot]";
    static final String AUTHOR_EMAIL = "grove[bot]@users.noreply.github.com";

    private final RunRequest req;
    private final GitHubGateway github;
    private final GitClient git;
    private final AgentRunner agent;
    private final StateStore store;
    private final RunnerSettings settings;
    private final CachedRepo clone;
    private final String baseSha;
    private final Supplier<GitCredentials> credentials;
    private final Runnable changed;
    private final Clock clock;
    private final PullRequestBodyRenderer bodies = new PullRequestBodyRenderer();
    private final AgentSetup setup;

    /**
     * Which agent runs the tasks and within what: its name (for the record), its own timeout (null: the runner's),
     * the issue's budget, where running agents are registered for cancel, who hears progress, how often.
     */
    record AgentSetup(String agentName, Duration agentTimeout, IssueBudget budget, RunningAgents running,
            TaskProgressListener listener, Duration progressInterval) {
        static AgentSetup defaults() {
            return new AgentSetup(null, null, IssueBudget.UNLIMITED, new RunningAgents(), TaskProgressListener.NONE,
                    ProgressThrottle.DEFAULT_INTERVAL);
        }
    }
    private final BiConsumer<Integer, List<String>> outsideSink;
    private final CheckRunSummaryRenderer checkSummaries = new CheckRunSummaryRenderer();
    private final RepoConfig config;
    private final String base;
    private final Cancellations cancellations;
    private final CheckRunReporter checks;
    private final Verifier verifier = new Verifier();

    TaskPipeline(RunRequest req, GitHubGateway github, GitClient git, AgentRunner agent, StateStore store,
            RunnerSettings settings, CachedRepo clone, String baseSha, Supplier<GitCredentials> credentials,
            Runnable changed, Clock clock) {
        this(req, github, git, agent, store, settings, clone, baseSha, credentials, changed, clock, AgentSetup.defaults(),
                (n, f) -> { });
    }

    /** @param outsideSink told, by task number, the files a task changed outside its paths (when there are any) */
    TaskPipeline(RunRequest req, GitHubGateway github, GitClient git, AgentRunner agent, StateStore store,
            RunnerSettings settings, CachedRepo clone, String baseSha, Supplier<GitCredentials> credentials,
            Runnable changed, Clock clock, AgentSetup setup, BiConsumer<Integer, List<String>> outsideSink) {
        this(req, github, git, agent, store, settings, clone, baseSha, credentials, changed, clock, setup, outsideSink,
                RepoConfig.defaults("grove", settings.maxParallel()), req.defaultBranch(), new Cancellations());
    }

    /**
     * @param config the repository's config (verify, drafts)
     * @param base   the branch PRs go to (the config's {@code base}, else the default branch)
     */
    TaskPipeline(RunRequest req, GitHubGateway github, GitClient git, AgentRunner agent, StateStore store,
            RunnerSettings settings, CachedRepo clone, String baseSha, Supplier<GitCredentials> credentials,
            Runnable changed, Clock clock, AgentSetup setup, BiConsumer<Integer, List<String>> outsideSink,
            RepoConfig config, String base, Cancellations cancellations) {
        this.setup = setup;
        this.outsideSink = outsideSink;
        this.config = config;
        this.base = base;
        this.cancellations = cancellations;
        this.checks = new CheckRunReporter(github, store);
        this.req = req;
        this.github = github;
        this.git = git;
        this.agent = agent;
        this.store = store;
        this.settings = settings;
        this.clone = clone;
        this.baseSha = baseSha;
        this.credentials = credentials;
        this.changed = changed;
        this.clock = clock;
    }

    /** Where a task branch's worktree lives. */
    static Path worktreeDir(RunnerSettings settings, dev.grove.model.RepoRef repo, String branch) {
        return settings.worktreesDir().resolve(repo.owner()).resolve(repo.name()).resolve(branch.replace('/', '_'));
    }

    void run(Task task, TaskKey key) {
        TaskRecord rec = store.task(key).orElseThrow();
        if (rec.status().hasPullRequest()) {
            return;
        }
        if (rec.status() == TaskStatus.PUSHED) {
            openPullRequest(task, rec, null, "", null, -1, clock.instant(), null);
            return;
        }
        Optional<String> cancelledBefore = cancellations.cancelledBy(key);
        if (cancelledBefore.isPresent()) {
            save(rec.withStatus(TaskStatus.FAILED).withMessage("cancelled by @" + cancelledBefore.get() + " before it started"));
            return;
        }
        Instant start = clock.instant();
        rec = save(rec.withStatus(TaskStatus.RUNNING).withMessage(null).withElapsed(null));
        try {
            rec = runAgentAndPublish(task, rec, start);
        } catch (IOException | RuntimeException e) {
            log.warn("task {} failed: {}", key, e.getMessage());
            rec = save(store.task(key).orElse(rec).withStatus(TaskStatus.FAILED).withMessage(e.getMessage())
                    .withElapsed(Duration.between(start, clock.instant())));
        }
    }

    private TaskRecord runAgentAndPublish(Task task, TaskRecord rec, Instant start) throws IOException {
        Duration timeout = setup.agentTimeout() != null ? setup.agentTimeout() : settings.agentTimeout();
        Double maxCost = null;
        IssueBudget budget = setup.budget();
        double spent = 0;
        Duration used = Duration.ZERO;
        for (TaskRecord any : store.tasks(req.repo(), req.issueNumber())) {
            if (any.agentRun() == null) continue;
            spent += any.agentRun().spentOrZero();
            used = used.plus(any.agentRun().agentTimeOrZero());
        }
        if (budget.maxUsd() != null) {
            if (spent >= budget.maxUsd()) {
                return fail(rec, "not run: the issue's agent budget of " + Money.usd(budget.maxUsd()) + " is spent ("
                        + Money.usd(spent) + " so far); raise it to run more", Duration.ZERO);
            }
            maxCost = budget.maxUsd() - spent;
        }
        Double perTask = config.budget().perTaskUsd();
        if (perTask != null && (maxCost == null || perTask < maxCost)) {
            maxCost = perTask; // the repository's `budget.per_task_usd`
        }
        if (budget.maxAgentTime() != null) {
            Duration left = budget.maxAgentTime().minus(used);
            if (left.compareTo(Duration.ofSeconds(1)) < 0) {
                return fail(rec, "not run: the issue's " + Durations.format(budget.maxAgentTime())
                        + " of agent time is used up (" + Durations.format(used) + "); raise it to run more", Duration.ZERO);
            }
            if (left.compareTo(timeout) < 0) timeout = left;
        }
        String branch = rec.branch();
        Path dir = worktreeDir(settings, req.repo(), branch);
        Files.createDirectories(dir.getParent());
        Worktree wt = git.addWorktree(clone, branch, baseSha, dir);

        Path taskDir = settings.taskDir(rec.key());
        Files.createDirectories(taskDir);
        Path logFile = taskDir.resolve("agent.log");
        Path eventLog = taskDir.resolve("events.log");
        Files.deleteIfExists(eventLog);
        AgentRun run = AgentRun.start(setup.agentName(), eventLog.toString(), rec.agentRun());
        rec = save(rec.withAgentRun(run));
        CancelSignal cancel = setup.running().register(rec.key());
        ProgressSink progress = new ProgressSink(rec.key(), eventLog);
        AgentOutcome outcome;
        try {
            outcome = agent.run(new AgentRequest(wt.dir(), prompt(task, branch), taskDir.resolve("prompt.md"),
                    taskEnv(task), timeout, logFile, progress, cancel, maxCost));
        } finally {
            progress.close();
            setup.running().done(rec.key(), cancel);
        }
        Duration elapsed = Duration.between(start, clock.instant());
        AgentReport report = outcome.report();
        rec = rec.withAgentRun(run.finished(report.summary(), report.turns(), report.costUsd(), report.sessionId(),
                report.configDir(), outcome.elapsed()));

        if (outcome instanceof AgentOutcome.Cancelled c) {
            return fail(rec, "cancelled (" + c.reason() + "): the agent was stopped; worktree, branch and log kept ("
                    + logFile + ")", elapsed);
        }
        Duration agentTime = elapsed;
        Optional<String> cancelledBy = cancellations.cancelledBy(rec.key());
        if (cancelledBy.isPresent()) {
            return fail(rec, "cancelled by @" + cancelledBy.get() + "; worktree, branch and log kept", elapsed);
        }

        if (outcome instanceof AgentOutcome.Failed f) {
            return fail(rec, f.reason() + "; worktree, branch and log kept (" + logFile + ")", elapsed);
        }
        if (outcome instanceof AgentOutcome.TimedOut t) {
            return fail(rec, "the agent ran past its " + Durations.format(t.timeout())
                    + " timeout and was stopped; worktree, branch and log kept (" + logFile + ")", elapsed);
        }
        Optional<String> onBranch = git.currentBranch(wt);
        if (onBranch.isEmpty() || !onBranch.get().equals(branch)) {
            return fail(rec, "the agent moved the worktree off `" + branch + "` (to "
                    + onBranch.map(b -> "`" + b + "`").orElse("a detached HEAD") + "); Grove commits only on the task branch",
                    elapsed);
        }
        git.commitAll(wt, task.title() + "\n\nRefs #" + req.issueNumber(), AUTHOR_NAME, AUTHOR_EMAIL);
        if (git.commitsAhead(wt) == 0) {
            git.removeWorktree(wt, true);
            return save(rec.withStatus(TaskStatus.NO_CHANGES).withBranch(null).withElapsed(elapsed)
                    .withMessage("the agent changed nothing; worktree and branch removed"));
        }
        VerifyResult verify = config.verify() == null ? null
                : verifier.verify(config.verify(), wt.dir(), taskDir, config.verifyTimeout());
        List<String> files = git.changedFiles(wt);
        List<String> outside = outsidePaths(task, files);
        if (!outside.isEmpty()) {
            outsideSink.accept(task.number(), outside);
        }
        rec = save(rec.withStatus(TaskStatus.PUSHING));
        String pushed = git.push(clone, branch, req.defaultBranch(), credentials.get());
        rec = save(rec.withStatus(TaskStatus.PUSHED).withHeadSha(pushed)
                .withElapsed(Duration.between(start, clock.instant())));
        long check = checks.start(req.repo(), rec.key(), task.title(), pushed, start, "Opening the pull request");
        return openPullRequest(task, rec, files, outcome.outputTail(), verify, check, start, agentTime);
    }

    private TaskRecord openPullRequest(Task task, TaskRecord rec, List<String> files, String agentTail,
            VerifyResult verify, long check, Instant start, Duration agentTime) {
        try {
            Optional<PullRequestRef> existing = github.findPullRequest(req.repo(), rec.branch());
            boolean draft = verify != null && !verify.passed() && config.draftOnFailure();
            String body = bodies.render(req.issueNumber(), task, rec.branch(), files, agentTail,
                    files == null ? List.of() : outsidePaths(task, files));
            if (verify != null) {
                body = body + "\n### Verify\n" + (verify.passed() ? ":white_check_mark: " : ":x: ") + verify.summary()
                        + (draft ? " (opened as a draft)" : "") + "\n";
            }
            PullRequestRef pr = existing.isPresent() ? existing.get()
                    : github.openPullRequest(req.repo(), new PullRequestDraft(task.title(), rec.branch(),
                            base, body, draft));
            TaskRecord opened = save(rec.withStatus(TaskStatus.PR_OPENED).withPullRequest(pr.number(), pr.htmlUrl())
                    .withMessage(verify != null && !verify.passed() ? "verify failed" : null));
            completeCheck(rec, check, files, agentTail, verify, start, agentTime);
            return opened;
        } catch (IOException | RuntimeException e) {
            completeCheck(rec, check, files, agentTail, verify, start, agentTime);
            log.warn("task {}: pushed, but the PR could not be opened: {}", rec.key(), e.getMessage());
            return save(rec.withMessage("pushed, but the PR could not be opened: " + e.getMessage()
                    + " (run again to retry)"));
        }
    }

    private void completeCheck(TaskRecord rec, long check, List<String> files, String agentTail, VerifyResult verify,
            Instant start, Duration agentTime) {
        if (check < 0) {
            return;
        }
        Instant now = clock.instant();
        String conclusion = verify == null ? "neutral" : verify.passed() ? "success" : "failure";
        String title = verify == null ? "Pushed; no verify command configured"
                : verify.passed() ? "Verify passed" : "Verify failed";
        checks.complete(req.repo(), rec.key(), check, conclusion, title, checkSummaries.render(
                new CheckRunSummaryRenderer.Report(title + " on `" + rec.branch() + "`.", agentTail, files,
                        verify == null ? null : verify.summary(), verify == null ? null : verify.tail(), agentTime,
                        verify == null ? null : verify.elapsed(), Duration.between(start, now))), now);
    }

    /**
     * Every progress line goes to the task's event log with its time; the latest one reaches the task record (and so
     * the tracking comment) and the progress listener at most once per interval. Once closed (the agent returned),
     * late lines are dropped, so a slow progress update can never overwrite the task's next status.
     */
    private final class ProgressSink implements AgentListener {
        private final TaskKey key;
        private final Path eventLog;
        private final ProgressThrottle throttle = new ProgressThrottle(clock, setup.progressInterval());
        private boolean closed;

        ProgressSink(TaskKey key, Path eventLog) {
            this.key = key;
            this.eventLog = eventLog;
        }

        @Override
        public synchronized void progress(String line) {
            if (closed) {
                return;
            }
            try {
                Files.writeString(eventLog, clock.instant() + " " + line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                log.debug("could not append to {}: {}", eventLog, e.getMessage());
            }
            if (!throttle.tryPass()) {
                return;
            }
            store.task(key).filter(r -> r.status() == TaskStatus.RUNNING && r.agentRun() != null)
                    .ifPresent(r -> save(r.withAgentRun(r.agentRun().withProgress(line))));
            try {
                setup.listener().progress(key, line);
            } catch (RuntimeException e) {
                log.warn("progress listener failed for {}: {}", key, e.getMessage());
            }
        }

        synchronized void close() {
            closed = true;
        }
    }

    /** The changed files that match none of the task's path globs; empty when the task names no paths. */
    static List<String> outsidePaths(Task task, List<String> files) {
        if (task.paths().isEmpty()) {
            return List.of();
        }
        return files.stream().filter(f -> task.paths().stream().noneMatch(g -> PathGlobs.matches(g, f))).toList();
    }

    private TaskRecord fail(TaskRecord rec, String message, Duration elapsed) {
        return save(rec.withStatus(TaskStatus.FAILED).withMessage(message).withElapsed(elapsed));
    }

    private TaskRecord save(TaskRecord rec) {
        store.saveTask(rec);
        changed.run();
        return rec;
    }

    private Map<String, String> taskEnv(Task task) {
        return TaskEnvironment.of(req.repo(), req.issueNumber(), task);
    }

    private String prompt(Task task, String branch) {
        StringBuilder p = new StringBuilder();
        p.append("You are working on the repository ").append(req.repo().fullName())
                .append(", issue #").append(req.issueNumber()).append(": ").append(req.issueTitle()).append("\n\n");
        p.append("Your task: ").append(task.title()).append('\n');
        if (task.instructions() != null && !task.instructions().isBlank()) {
            p.append('\n').append(task.instructions().strip()).append('\n');
        }
        if (!task.paths().isEmpty()) {
            p.append("\nChange only files matching: ").append(String.join(", ", task.paths())).append('\n');
        }
        p.append("\nThe current directory is a git worktree on branch ").append(branch)
                .append(". Edit the files; do not commit, push or switch branches: Grove commits and pushes your work"
                        + " and opens the pull request.\n");
        return p.toString();
    }
}
