package dev.grove.pipeline;

import dev.grove.model.RepoRef;

import dev.grove.agent.AgentListener;
import dev.grove.agent.AgentMessages;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.RevisePrompts;
import dev.grove.agent.TaskEnvironment;
import dev.grove.agent.TaskPrompt;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Task;
import dev.grove.publish.CheckRunReporter;
import dev.grove.publish.PublishOutcome;
import dev.grove.publish.Publisher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revise loop on a Grove pull request: the task's agent runs again on the PR's branch, in the task's worktree
 * (made again from the pushed branch when it is gone or behind), with the comment or review as instructions; then
 * the same publish step as a task (one new commit, verify, a fast-forward push: never forced, so a branch that moved
 * on origin meanwhile is refused by the push), a new check run on the new head, and a short reply on the PR. The
 * revise's agent run is charged to the issue's budget and recorded on the task, and {@code /grove cancel} stops it.
 */
public final class Reviser {
    private static final Logger log = LoggerFactory.getLogger(Reviser.class);

    private final PipelineSteps steps;
    private final Set<TaskKey> going = ConcurrentHashMap.newKeySet();

    public Reviser(PipelineSteps steps) {
        this.steps = steps;
    }

    /** Whether a revise of the task is going in this process. */
    public boolean revising(TaskKey key) {
        return going.contains(key);
    }

    /**
     * The head of {@code branch} on origin, fetched now; empty when origin has no such branch. Throws when origin
     * cannot be fetched (a caller's job is retried).
     */
    public Optional<String> headOnOrigin(RepoRef repo, String cloneUrl, long installationId, String branch) {
        CachedRepo clone = steps.workspaces().sync(repo, cloneUrl, installationId);
        try {
            return Optional.ofNullable(steps.git().remoteBranchHead(clone, branch));
        } catch (RuntimeException e) {
            log.info("{}: origin has no {}: {}", repo, branch, e.getMessage());
            return Optional.empty();
        }
    }

    /** Revises the PR's task; every outcome is a reply on the PR. */
    public void revise(ReviseRequest r, RepoConfig config) {
        GitHubGateway github = steps.gateways().apply(r.installationId());
        TaskRecord rec = steps.store().taskByPullRequest(r.repo(), r.pullNumber()).orElse(null);
        if (rec == null || rec.branch() == null) {
            reply(github, r, "Grove did not open this pull request, so it cannot revise it. `/grove revise` and"
                    + " `@grove` work on the pull requests Grove opened for an issue's tasks.");
            return;
        }
        if (rec.status() == TaskStatus.MERGED || rec.status() == TaskStatus.CLOSED) {
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
        } catch (RuntimeException e) {
            log.warn("revise of {}#{} failed", r.repo(), r.pullNumber(), e);
            reply(github, r, "Grove could not revise this pull request: " + e.getMessage() + ". Nothing was pushed.");
        } finally {
            going.remove(rec.key());
        }
    }

    private String reviseOnce(GitHubGateway github, ReviseRequest r, RepoConfig config, TaskRecord rec) {
        TaskKey key = rec.key();
        steps.agents().cancellations().clear(key);
        Instant start = steps.clock().instant();
        CachedRepo clone = steps.workspaces().sync(r.repo(), r.cloneUrl(), r.installationId());
        String head = steps.git().remoteBranchHead(clone, rec.branch());
        Worktree wt = steps.workspaces().reuseOrRebuild(clone, rec.branch(), head);
        Task task = task(rec);
        // a conflict with the base: the agent resolves a merge of the base that is under way in the worktree
        BaseMerge merge = r.mergeBase() == null ? null : BaseMerge.start(steps.git(), wt, r.mergeBase(),
                steps.git().remoteBranchHead(clone, r.mergeBase()));
        ReviseRequest req = merge == null ? r : r.withInstructions(r.instructions() + "\n\n" + merge.instructions());

        // While the agent works, the PR's current head carries an in-progress check run with its latest progress
        // line (and a Cancel button); once the revision is pushed, the new head gets its own check run.
        CheckRunReporter checks = new CheckRunReporter(github, steps.store());
        long live = checks.start(r.repo(), key, task.title(), head, start, "Revising as @" + r.requestedBy() + " asked");
        ProgressThrottle throttle = new ProgressThrottle(steps.clock(), ProgressThrottle.DEFAULT_INTERVAL);
        AgentListener progress = line -> {
            if (throttle.tryPass()) checks.progress(r.repo(), key, live, "Revising: " + line);
        };
        String result = null;
        try {
            result = reviseIn(github, req, config, rec, wt, task, start, progress, checks, head, merge);
            if (merge != null && !merge.committed()) {
                result = result + " " + merge.abortedNote();
            }
            return result;
        } finally {
            if (merge != null) {
                merge.abandonUnlessCommitted(steps.workspaces());
            }
            String now = steps.store().task(key).map(TaskRecord::headSha).orElse(head);
            boolean pushed = now != null && !now.equals(head);
            checks.complete(r.repo(), key, live, "neutral",
                    pushed ? "Superseded by " + now.substring(0, 7) : "Revise ended without a new commit",
                    pushed ? "The revision is `" + now + "`; its own check run has the result."
                            : result == null ? "The revise stopped with an error; see the reply on the pull request."
                            : result, steps.clock().instant());
        }
    }

    private String reviseIn(GitHubGateway github, ReviseRequest r, RepoConfig config, TaskRecord rec, Worktree wt,
            Task task, Instant start, AgentListener progress, CheckRunReporter checks, String head, BaseMerge merge) {
        TaskKey key = rec.key();
        String branch = rec.branch();
        Path taskDir = steps.workspaces().logDir(key);
        Map<String, String> env = TaskEnvironment.of(r.repo(), key.issue(), task);
        env.put("GROVE_REVISE", "1");
        List<String> comments = r.comments().stream().map(ReviewThreads::describe).toList();
        String instructions = "@" + r.requestedBy() + ": " + r.instructions().strip();
        Optional<String> setupFailed = BeforeAgent.setup(steps, config, wt.dir(), taskDir);
        if (setupFailed.isPresent()) {
            return "The revise did not start: " + setupFailed.get() + ".";
        }
        String freshStart = RevisePrompts.freshStart(TaskPrompt.forRevise(r.repo(), r.pullNumber(), task, branch,
                key.issue(), BeforeAgent.context(steps, github, config, r.repo(), key.issue(), wt.dir())),
                soFar(wt, r.defaultBranch()), instructions, comments);
        String session = rec.agentRun() == null ? null : rec.agentRun().sessionId();
        AgentRequest request = new AgentRequest(wt.dir(), RevisePrompts.resumed(instructions, comments),
                taskDir.resolve("revise-prompt.md"), env, null, taskDir.resolve("revise.log"), progress, null, null);
        String eventLog = rec.agentRun() == null ? null : rec.agentRun().eventLog();
        AgentStep.Result result = steps.agents().run(key, config, request, eventLog,
                (agent, req) -> agent.revise(req, session, freshStart));
        if (result instanceof AgentStep.Result.NotRun n) {
            return "The revise did not start (" + n.message() + "); nothing was pushed.";
        }
        AgentStep.Result.Ran ran = (AgentStep.Result.Ran) result;
        AgentOutcome outcome = ran.outcome();
        Duration agentTime = Duration.between(start, steps.clock().instant());
        if (ran.cancelledBy() != null || outcome instanceof AgentOutcome.Cancelled) {
            return "The revise was cancelled" + (ran.cancelledBy() == null ? "" : " by @" + ran.cancelledBy())
                    + "; nothing was pushed.";
        }
        if (outcome instanceof AgentOutcome.Failed f) {
            return "The agent failed (" + f.reason() + "); nothing was pushed. Its log is kept on the runner.";
        }
        if (!(outcome instanceof AgentOutcome.Finished)) {
            return AgentMessages.sentence(AgentMessages.whyNotFinished(outcome)) + "; nothing was pushed.";
        }
        Worktree publishing = wt;
        if (merge != null) {
            List<String> left = merge.unresolved();
            if (!left.isEmpty()) {
                return "The agent left conflict markers in " + BaseMerge.files(left) + ", so nothing was pushed.";
            }
            publishing = merge.commit("Merge `" + merge.base() + "` into " + branch + "\n\n" + (merge.conflicts()
                    .isEmpty() ? "" : "Resolves the conflicts in " + String.join(", ", merge.conflicts()) + ".\n\n")
                    + "Refs #" + key.issue(), Publisher.AUTHOR_NAME, Publisher.AUTHOR_EMAIL);
        }
        PublishOutcome published = steps.publisher().publish(publishing, new Publisher.Publication("Revise: " + task.title()
                + "\n\n" + firstLine(r.instructions()) + "\n\nRefs #" + key.issue(), config.verify(),
                config.verifyTimeout(), taskDir, r.defaultBranch(), false),
                () -> steps.workspaces().credentials(r.installationId()), verified -> { });
        if (published instanceof PublishOutcome.LeftBranch) {
            return "The agent moved the worktree off `" + branch + "`; Grove commits only on the task branch, so nothing"
                    + " was pushed.";
        }
        if (published instanceof PublishOutcome.NoChanges) {
            return "The agent changed nothing, so nothing was pushed.";
        }
        PublishOutcome.Pushed pushed = (PublishOutcome.Pushed) published;
        steps.store().saveTask(steps.store().task(key).orElse(rec).withHeadSha(pushed.sha()));
        long check = checks.start(r.repo(), key, task.title(), pushed.sha(), start, "Revised; reporting");
        String title = CheckRunReporter.verifyTitle("Revised", pushed.verify());
        checks.completePushed(r.repo(), key, check, title, title + " on `" + branch + "` (requested by @"
                + r.requestedBy() + ").", pushed, outcome.outputTail(), agentTime, start, steps.clock().instant());
        int n = pushed.files().size();
        return (merge == null ? "" : "Merged `" + merge.base() + "` into `" + branch + "`" + (merge.conflicts().isEmpty()
                ? "" : ", the conflicts in " + BaseMerge.files(merge.conflicts()) + " resolved by the agent") + ". ")
                + "Pushed " + pushed.sha().substring(0, 7) + " to `" + branch + "` on top of " + head.substring(0, 7)
                + " (" + n + (n == 1 ? " file" : " files") + " changed). " + (pushed.verify() == null
                ? "No verify command is configured." : (pushed.verify().passed() ? ":white_check_mark: " : ":x: ")
                + pushed.verify().summary() + ".");
    }

    private Task task(TaskRecord rec) {
        return steps.store().plan(rec.key().repo(), rec.key().issue())
                .flatMap(p -> p.plan().tasks().stream().filter(t -> t.number() == rec.number()).findFirst())
                .orElse(new Task(rec.number(), rec.title(), "", List.of()));
    }

    /** What the branch changed so far against the default branch, as a list of files (the worktree holds the rest). */
    private String soFar(Worktree wt, String defaultBranch) {
        try {
            String base = steps.git().remoteBranchHead(wt.repo(), defaultBranch);
            List<String> files = steps.git().changedFiles(new Worktree(wt.repo(), wt.dir(), wt.branch(), base));
            return "# files changed so far (read them in the worktree):\n"
                    + files.stream().map(f -> "# " + f).collect(Collectors.joining("\n"));
        } catch (RuntimeException e) {
            return "# (the changes so far could not be listed: " + e.getMessage() + ")";
        }
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }

    private static void reply(GitHubGateway github, ReviseRequest r, String text) {
        try {
            github.commentOnIssue(r.repo(), r.pullNumber(), text);
        } catch (IOException | RuntimeException e) {
            log.warn("could not reply on {}#{}: {}", r.repo(), r.pullNumber(), e.getMessage());
        }
    }
}
