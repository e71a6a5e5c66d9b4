package dev.grove.pipeline;

import dev.grove.agent.AgentOutcome;
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
import dev.grove.plan.PathGlobs;
import dev.grove.plan.Task;
import dev.grove.report.CheckRunSummaryRenderer;
import dev.grove.report.Durations;
import dev.grove.report.PullRequestBodyRenderer;
import dev.grove.store.StateStore;
import dev.grove.store.TaskKey;
import dev.grove.store.TaskRecord;
import dev.grove.store.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
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
    private final BiConsumer<Integer, List<String>> outsideSink;
    private final CheckRunSummaryRenderer checkSummaries = new CheckRunSummaryRenderer();
    private final RepoConfig config;
    private final String base;
    private final Cancellations cancellations;
    private final CheckRunReporter checks;
    private final Verifier verifier = new Verifier();

    /**
     * @param outsideSink told, by task number, the files a task changed outside its paths (when there are any)
     * @param config      the repository's config (verify, drafts)
     * @param base        the branch PRs go to (the config's {@code base}, else the default branch)
     */
    TaskPipeline(RunRequest req, GitHubGateway github, GitClient git, AgentRunner agent, StateStore store,
            RunnerSettings settings, CachedRepo clone, String baseSha, Supplier<GitCredentials> credentials,
            Runnable changed, Clock clock, BiConsumer<Integer, List<String>> outsideSink, RepoConfig config,
            String base, Cancellations cancellations) {
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
    static Path worktreeDir(RunnerSettings settings, dev.grove.github.RepoRef repo, String branch) {
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
        String branch = rec.branch();
        Path dir = worktreeDir(settings, req.repo(), branch);
        Files.createDirectories(dir.getParent());
        Worktree wt = git.addWorktree(clone, branch, baseSha, dir);

        Path taskDir = settings.tasksDir().resolve(req.repo().owner()).resolve(req.repo().name())
                .resolve(String.valueOf(req.issueNumber())).resolve(rec.key().task());
        Files.createDirectories(taskDir);
        Path logFile = taskDir.resolve("agent.log");
        AgentOutcome outcome = cancellations.whileAgentRuns(rec.key(), () -> agent.run(new AgentRequest(wt.dir(),
                prompt(task, branch), taskDir.resolve("prompt.md"), taskEnv(task), settings.agentTimeout(), logFile)));
        Duration elapsed = Duration.between(start, clock.instant());
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
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GROVE_TASK_TITLE", task.title());
        env.put("GROVE_TASK_PATHS", String.join(",", task.paths()));
        env.put("GROVE_ISSUE_NUMBER", String.valueOf(req.issueNumber()));
        env.put("GROVE_TASK_NUMBER", String.valueOf(task.number()));
        env.put("GROVE_REPOSITORY", req.repo().fullName());
        return env;
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
