package dev.grove.pipeline;

import dev.grove.agent.AgentListener;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;
import dev.grove.agent.CancelSignal;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.github.TokenSource;
import dev.grove.plan.Task;
import dev.grove.report.CheckRunSummaryRenderer;
import dev.grove.model.Durations;
import dev.grove.store.StateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revise loop on a Grove pull request: the task's agent runs again on the PR's branch, in the task's worktree
 * (made again from the pushed branch when it is gone or behind), with the comment or review as instructions; then
 * verify, one new commit, a fast-forward push (never forced: a branch that moved on origin meanwhile is refused by
 * the push), a new check run on the new head, and a short reply on the PR.
 */
public final class Reviser {
    private static final Logger log = LoggerFactory.getLogger(Reviser.class);

    private final LongFunction<GitHubGateway> gateways;
    private final TokenSource tokens;
    private final GitClient git;
    private final Function<RepoConfig, AgentRunner> agents;
    private final RunningAgents running;
    private final StateStore store;
    private final RunnerSettings settings;
    private final Cancellations cancellations;
    private final Clock clock;
    private final Verifier verifier = new Verifier();
    private final CheckRunSummaryRenderer summaries = new CheckRunSummaryRenderer();
    private final Set<TaskKey> going = ConcurrentHashMap.newKeySet();

    /**
     * @param agents  the agent a repository's config picks
     * @param running where the revise's agent is registered, so Cancel can stop it
     */
    public Reviser(LongFunction<GitHubGateway> gateways, TokenSource tokens, GitClient git,
            Function<RepoConfig, AgentRunner> agents, RunningAgents running, StateStore store, RunnerSettings settings,
            Cancellations cancellations, Clock clock) {
        this.gateways = gateways;
        this.tokens = tokens;
        this.git = git;
        this.agents = agents;
        this.running = running;
        this.store = store;
        this.settings = settings;
        this.cancellations = cancellations;
        this.clock = clock;
    }

    /** Revises the PR's task; every outcome is a reply on the PR. */
    public void revise(ReviseRequest r, RepoConfig config) {
        GitHubGateway github = gateways.apply(r.installationId());
        Optional<TaskRecord> found = store.taskByPullRequest(r.repo(), r.pullNumber());
        if (found.isEmpty() || found.get().branch() == null) {
            reply(github, r, "Grove did not open this pull request, so it cannot revise it. `/grove revise` and"
                    + " `@grove` work on the pull requests Grove opened for an issue's tasks.");
            return;
        }
        TaskRecord rec = found.get();
        if (rec.status() == dev.grove.model.TaskStatus.MERGED || rec.status() == dev.grove.model.TaskStatus.CLOSED) {
            reply(github, r, "This pull request is " + rec.status().label() + ", so Grove does not revise it. Reopen it,"
                    + " or ask for a new task on the issue.");
            return;
        }
        if (!going.add(rec.key())) {
            reply(github, r, "A revise of this pull request is still going; Grove will not start a second one. "
                    + "Comment again when it has replied.");
            return;
        }
        try {
            reply(github, r, reviseOnce(github, r, config, rec));
        } catch (IOException | RuntimeException e) {
            log.warn("revise of {}#{} failed", r.repo(), r.pullNumber(), e);
            reply(github, r, "Grove could not revise this pull request: " + e.getMessage() + ". Nothing was pushed.");
        } finally {
            going.remove(rec.key());
        }
    }

    private String reviseOnce(GitHubGateway github, ReviseRequest r, RepoConfig config, TaskRecord rec)
            throws IOException {
        TaskKey key = rec.key();
        String branch = rec.branch();
        cancellations.clear(key);
        Instant start = clock.instant();
        CachedRepo clone = git.sync(r.repo(), r.cloneUrl(), credentials(r.installationId()));
        String head = git.remoteBranchHead(clone, branch);
        Worktree wt = worktree(clone, branch, head);
        Task task = task(rec);

        // While the agent works, the PR's current head carries an in-progress check run with its latest progress
        // line (and a Cancel button); once the revision is pushed, the new head gets its own check run.
        CheckRunReporter checks = new CheckRunReporter(github, store);
        long live = checks.start(r.repo(), key, task.title(), head, start, "Revising as @" + r.requestedBy() + " asked");
        ProgressThrottle throttle = new ProgressThrottle(clock, ProgressThrottle.DEFAULT_INTERVAL);
        AgentListener progress = line -> {
            if (throttle.tryPass()) checks.progress(r.repo(), key, live, "Revising: " + line);
        };
        String result = null;
        try {
            result = reviseIn(github, r, config, rec, clone, head, wt, task, start, progress, checks);
            return result;
        } finally {
            String now = store.task(key).map(TaskRecord::headSha).orElse(head);
            boolean pushed = now != null && !now.equals(head);
            checks.complete(r.repo(), key, live, "neutral",
                    pushed ? "Superseded by " + now.substring(0, 7) : "Revise ended without a new commit",
                    pushed ? "The revision is `" + now + "`; its own check run has the result."
                            : result == null ? "The revise stopped with an error; see the reply on the pull request."
                            : result, clock.instant());
        }
    }

    private String reviseIn(GitHubGateway github, ReviseRequest r, RepoConfig config, TaskRecord rec, CachedRepo clone,
            String head, Worktree wt, Task task, Instant start, AgentListener progress, CheckRunReporter checks)
            throws IOException {
        TaskKey key = rec.key();
        String branch = rec.branch();
        Path taskDir = settings.taskDir(key);
        Files.createDirectories(taskDir);
        Path logFile = taskDir.resolve("revise.log");
        Map<String, String> env = TaskEnvironment.of(r.repo(), key.issue(), task);
        env.put("GROVE_REVISE", "1");
        List<String> comments = r.comments().stream().map(c -> c.path() + (c.line() == null ? "" : ":" + c.line())
                + ": " + c.body().strip()).toList();
        String instructions = "@" + r.requestedBy() + ": " + r.instructions().strip();
        String freshStart = RevisePrompts.freshStart(taskPrompt(r, task, branch), soFar(clone, wt, r.defaultBranch()),
                instructions, comments);
        String session = rec.agentRun() == null ? null : rec.agentRun().sessionId();
        CancelSignal cancel = running.register(key);
        AgentOutcome outcome;
        try {
            outcome = agents.apply(config).revise(new AgentRequest(wt.dir(), RevisePrompts.resumed(instructions, comments),
                    taskDir.resolve("revise-prompt.md"), env, settings.agentTimeout(), logFile, progress,
                    cancel, null), session, freshStart);
        } finally {
            running.done(key, cancel);
        }
        Duration agentTime = Duration.between(start, clock.instant());
        Optional<String> cancelledBy = cancellations.cancelledBy(key);
        if (cancelledBy.isPresent() || outcome instanceof AgentOutcome.Cancelled) {
            return "The revise was cancelled" + cancelledBy.map(b -> " by @" + b).orElse("") + "; nothing was pushed.";
        }
        if (outcome instanceof AgentOutcome.Failed f) {
            return "The agent failed (" + f.reason() + "); nothing was pushed. Its log is kept on the runner.";
        }
        if (outcome instanceof AgentOutcome.TimedOut t) {
            return "The agent ran past its " + Durations.format(t.timeout()) + " timeout and was stopped; nothing was pushed.";
        }
        Optional<String> onBranch = git.currentBranch(wt);
        if (onBranch.isEmpty() || !onBranch.get().equals(branch)) {
            return "The agent moved the worktree off `" + branch + "`; Grove commits only on the task branch, so nothing was pushed.";
        }
        git.commitAll(wt, "Revise: " + task.title() + "\n\n" + firstLine(r.instructions()) + "\n\nRefs #" + key.issue(),
                TaskPipeline.AUTHOR_NAME, TaskPipeline.AUTHOR_EMAIL);
        if (git.commitsAhead(wt) == 0) {
            return "The agent changed nothing, so nothing was pushed.";
        }
        VerifyResult verify = config.verify() == null ? null
                : verifier.verify(config.verify(), wt.dir(), taskDir, config.verifyTimeout());
        List<String> files = git.changedFiles(wt);
        String pushed = git.push(clone, branch, r.defaultBranch(), credentials(r.installationId()));
        store.saveTask(store.task(key).orElse(rec).withHeadSha(pushed));

        long check = checks.start(r.repo(), key, task.title(), pushed, start, "Revised; reporting");
        String conclusion = verify == null ? "neutral" : verify.passed() ? "success" : "failure";
        String title = verify == null ? "Revised; no verify command configured"
                : verify.passed() ? "Revised; verify passed" : "Revised; verify failed";
        Instant now = clock.instant();
        checks.complete(r.repo(), key, check, conclusion, title, summaries.render(new CheckRunSummaryRenderer.Report(
                title + " on `" + branch + "` (requested by @" + r.requestedBy() + ").", outcome.outputTail(), files,
                verify == null ? null : verify.summary(), verify == null ? null : verify.tail(), agentTime,
                verify == null ? null : verify.elapsed(), Duration.between(start, now))), now);
        return "Pushed " + pushed.substring(0, 7) + " to `" + branch + "` on top of " + head.substring(0, 7)
                + " (" + files.size() + (files.size() == 1 ? " file" : " files") + " changed). "
                + (verify == null ? "No verify command is configured." : (verify.passed() ? ":white_check_mark: " : ":x: ")
                + verify.summary() + ".");
    }

    /** The task's worktree at origin's head of the branch: reused when it is there, made again otherwise. */
    private Worktree worktree(CachedRepo clone, String branch, String head) {
        Path dir = TaskPipeline.worktreeDir(settings, clone.repo(), branch);
        Worktree existing = new Worktree(clone, dir, branch, head);
        if (Files.isRegularFile(dir.resolve(".git"))) {
            try {
                if (git.head(existing).equals(head) && git.currentBranch(existing).filter(branch::equals).isPresent()) {
                    return existing;
                }
            } catch (RuntimeException e) {
                log.info("worktree {} is unusable ({}); making it again", dir, e.getMessage());
            }
        }
        git.removeWorktree(existing, true);
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return git.addWorktree(clone, branch, head, dir);
    }

    private Task task(TaskRecord rec) {
        return store.plan(rec.key().repo(), rec.key().issue())
                .flatMap(p -> p.plan().tasks().stream().filter(t -> t.number() == rec.number()).findFirst())
                .orElse(new Task(rec.number(), rec.title(), "", List.of()));
    }

    /** The task as the agent first got it, for a fresh start. */
    private String taskPrompt(ReviseRequest r, Task task, String branch) {
        StringBuilder p = new StringBuilder();
        p.append("You are working on the repository ").append(r.repo().fullName()).append(", pull request #")
                .append(r.pullNumber()).append(" on branch ").append(branch).append(", made for the task: ")
                .append(task.title()).append('\n');
        if (task.instructions() != null && !task.instructions().isBlank()) {
            p.append('\n').append(task.instructions().strip()).append('\n');
        }
        if (!task.paths().isEmpty()) {
            p.append("\nChange only files matching: ").append(String.join(", ", task.paths())).append('\n');
        }
        return p.toString();
    }

    /** What the branch changed so far against the default branch, as a list of files (the worktree holds the rest). */
    private String soFar(CachedRepo clone, Worktree wt, String defaultBranch) {
        try {
            String base = git.remoteBranchHead(clone, defaultBranch);
            List<String> files = git.changedFiles(new Worktree(clone, wt.dir(), wt.branch(), base));
            return "# files changed so far (read them in the worktree):\n"
                    + files.stream().map(f -> "# " + f).collect(java.util.stream.Collectors.joining("\n"));
        } catch (RuntimeException e) {
            return "# (the changes so far could not be listed: " + e.getMessage() + ")";
        }
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }

    private void reply(GitHubGateway github, ReviseRequest r, String text) {
        try {
            github.commentOnIssue(r.repo(), r.pullNumber(), text);
        } catch (IOException | RuntimeException e) {
            log.warn("could not reply on {}#{}: {}", r.repo(), r.pullNumber(), e.getMessage());
        }
    }

    private GitCredentials credentials(long installationId) {
        return GitTokens.credentials(tokens, installationId);
    }
}
