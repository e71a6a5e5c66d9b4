package dev.grove.command;

import dev.grove.config.ConfigProblem;
import dev.grove.config.RepoConfig;
import dev.grove.config.RepoConfigLoader;
import dev.grove.github.GitHubGateway;
import dev.grove.github.ReviewComment;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.github.CheckRunDetails;
import dev.grove.pipeline.CiFailure;
import dev.grove.pipeline.CiFixer;
import dev.grove.pipeline.BaseConflict;
import dev.grove.pipeline.Cleaner;
import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.ReviseRequest;
import dev.grove.pipeline.Reviser;
import dev.grove.store.SavedPlan;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every trigger, from a verified delivery to what Grove does: read the repository's config (problems reported on
 * the issue once per version of the file), ask {@link CommandAuthorizer} (the one gate) whether the sender may, then
 * hand the command to its handler, or run, cancel, retry, revise or clean up. Runs on the job queue's threads, never
 * on the webhook's.
 */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    private final LongFunction<GitHubGateway> gateways;
    private final RepoConfigLoader configs;
    private final CommandAuthorizer authorizer;
    private final TaskActions tasks;
    private final Reviser reviser;
    private final Cleaner cleaner;
    private final CiFixer ciFixer;
    private final List<CommandHandler> handlers;
    private final CommandParser parser;
    private final Set<String> reportedConfigs = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> closing = new ConcurrentHashMap<>();

    /** The runner, reviser, cleaner and experiments Grove acts with. */
    public record Actions(IssueRunner runner, Reviser reviser, Cleaner cleaner, ExperimentRunner experiments) {
    }

    public CommandDispatcher(LongFunction<GitHubGateway> gateways, RepoConfigLoader configs,
            CommandAuthorizer authorizer, Actions actions, StateStore store) {
        this.gateways = gateways;
        this.configs = configs;
        this.authorizer = authorizer;
        this.tasks = new TaskActions(actions.runner(), store, authorizer);
        this.reviser = actions.reviser();
        this.cleaner = actions.cleaner();
        this.ciFixer = new CiFixer(actions.reviser(), store);
        List<CommandHandler> all = new ArrayList<>(List.of(new PlanCommand(actions.runner()), new RunCommand(tasks),
                new StatusCommand(actions.runner()), new CancelCommand(tasks), new RetryCommand(tasks),
                new ReviseCommand(actions.reviser()), new TryCommand(actions.experiments(), actions.runner()),
                new PickCommand(actions.experiments(), actions.runner())));
        HelpCommand help = new HelpCommand(all);
        all.add(help);
        this.handlers = List.copyOf(all);
        this.parser = new CommandParser(help.text());
    }

    /** {@code /grove help}, generated from the handlers. */
    public String helpText() {
        return ((HelpCommand) handlers.get(handlers.size() - 1)).text();
    }

    // ---- triggers ------------------------------------------------------------------------------------------------

    /** A label, start to end, on one thread. */
    public void onLabel(Triggers.Label t) {
        RepoConfig config = admitLabel(t, true);
        if (config != null) {
            tasks.run(gateways.apply(t.req().installationId()), t.req(), config, Set.of());
        }
    }

    /**
     * The quick first part of a label, on the short lane: the config, whether it is the trigger label, 👀, the
     * permission gate and the reply to someone refused. True when the run may start ({@link #runAdmittedLabel}).
     */
    public boolean admitLabel(Triggers.Label t) {
        return admitLabel(t, true) != null;
    }

    /** The run {@link #admitLabel} admitted, on the long lane (config and gate asked again, no 👀 again). */
    public void runAdmittedLabel(Triggers.Label t) {
        RepoConfig config = admitLabel(t, false);
        if (config != null) {
            tasks.run(gateways.apply(t.req().installationId()), t.req(), config, Set.of());
        }
    }

    /** The config when the label may start a run, else null; {@code first}: the gate's pass (👀, problems reported). */
    private RepoConfig admitLabel(Triggers.Label t, boolean first) {
        RunRequest req = t.req();
        GitHubGateway github = gateways.apply(req.installationId());
        RepoConfig config = config(github, req.repo(), req.defaultBranch(), req.issueNumber(), req.requestedBy(),
                first);
        if (config == null) {
            return null; // fail closed: the issue says why
        }
        if (!t.label().equalsIgnoreCase(config.triggerLabel())) {
            log.info("{}#{}: label '{}' is not the trigger label '{}'", req.repo(), req.issueNumber(), t.label(),
                    config.triggerLabel());
            return null;
        }
        if (first) {
            acknowledge(github, req, 0);
        }
        return authorized(github, req.repo(), req.issueNumber(), req.requestedBy(), config) ? config : null;
    }

    /** 👀 on the comment (or the issue, {@code commentId} 0) that asked: seen, before anything slow. Best effort. */
    private void acknowledge(GitHubGateway github, RunRequest req, long commentId) {
        try {
            github.react(req.repo(), req.issueNumber(), commentId, "eyes");
        } catch (IOException | RuntimeException e) {
            log.warn("could not react to {}#{} ({}): {}", req.repo(), req.issueNumber(), commentId, e.getMessage());
        }
    }

    /** A comment's command, start to end, on one thread. */
    public void onComment(Triggers.Comment t) {
        Admitted a = admit(t, true);
        if (a != null) {
            a.handler().handle(a.ctx(), a.command());
        }
    }

    /**
     * The quick first part of a long command, on the short lane: 👀, the config, the permission gate and the reply to
     * someone refused, a reply to what is no command here. True when the command may run ({@link #runAdmittedComment}).
     */
    public boolean admitComment(Triggers.Comment t) {
        return admit(t, true) != null;
    }

    /** The command {@link #admitComment} admitted, on the long lane (config and gate asked again, no 👀 again). */
    public void runAdmittedComment(Triggers.Comment t) {
        Admitted a = admit(t, false);
        if (a != null) {
            a.handler().handle(a.ctx(), a.command());
        }
    }

    /** A command that passed the gate: where it runs, who handles it. */
    private record Admitted(CommandContext ctx, CommandHandler handler, Command command) {
    }

    /** {@code first}: the gate's pass (👀, config problems reported); else the admitted command's (says neither again). */
    private Admitted admit(Triggers.Comment t, boolean first) {
        ParseResult parsed = parser.parse(t.body());
        if (parsed instanceof ParseResult.Ignored) {
            return null;
        }
        RunRequest req = t.req();
        GitHubGateway github = gateways.apply(req.installationId());
        if (first) {
            acknowledge(github, req, t.commentId());
        }
        RepoConfig config = config(github, req.repo(), req.defaultBranch(), req.issueNumber(), req.requestedBy(),
                first);
        if (config == null || !authorized(github, req.repo(), req.issueNumber(), req.requestedBy(), config)) {
            return null;
        }
        CommandContext ctx = new CommandContext(github, req, config, t.onPullRequest());
        if (parsed instanceof ParseResult.Reply reply) {
            ctx.reply(reply.text());
            return null;
        }
        Command command = ((ParseResult.Parsed) parsed).command();
        CommandHandler handler = handlers.stream().filter(h -> h.handles(command)).findFirst().orElseThrow();
        if (t.onPullRequest() && !handler.onPullRequest()) {
            ctx.reply("On a pull request Grove takes `/grove revise <instructions>` (or `@grove <instructions>`); the"
                    + " other commands go on the issue.");
            return null;
        }
        return new Admitted(ctx, handler, command);
    }

    public void onCheckRun(Triggers.CheckRun t) {
        Triggers.Repo r = t.repo();
        Optional<TaskRecord> rec = taskOf(r.repo(), t.externalId());
        if (rec.isEmpty()) {
            log.info("check run {} names no task Grove knows; ignored", t.externalId());
            return;
        }
        GitHubGateway github = gateways.apply(r.installationId());
        TaskRecord task = rec.get();
        RepoConfig config = config(github, r.repo(), r.defaultBranch(), task.key().issue(), t.sender());
        int replyOn = task.prNumber() != null ? task.prNumber() : task.key().issue();
        if (config == null || !authorized(github, r.repo(), replyOn, t.sender(), config)) {
            return;
        }
        switch (t.action()) {
            case "cancel" -> {
                tasks.runner().cancel(task.key(), t.sender());
                comment(github, r.repo(), replyOn, "@" + t.sender() + " asked to cancel task " + task.number()
                        + " from its check run; its agent is being stopped.");
            }
            case "retry" -> {
                if (task.prNumber() != null && task.status().hasPullRequest()) {
                    reviser.revise(new ReviseRequest(r.repo(), r.installationId(), r.cloneUrl(), r.defaultBranch(),
                            task.prNumber(), "Run again, as @" + t.sender() + " asked from the check run: review the"
                            + " change against the task and make the verify command pass.", List.of(), t.sender()),
                            config);
                } else {
                    tasks.store().plan(r.repo(), task.key().issue()).ifPresent(saved ->
                            tasks.retry(github, saved.request(), config, task, t.sender()));
                }
            }
            default -> log.info("check run action '{}' is not one of Grove's; ignored", t.action());
        }
    }

    public void onReview(Triggers.Review t) {
        Triggers.Repo r = t.repo();
        GitHubGateway github = gateways.apply(r.installationId());
        if (tasks.store().taskByPullRequest(r.repo(), t.pullNumber()).isEmpty()) {
            log.info("{}#{} is not a Grove pull request; the review is not Grove's business", r.repo(), t.pullNumber());
            return;
        }
        RepoConfig config = config(github, r.repo(), r.defaultBranch(), t.pullNumber(), t.sender());
        if (config == null || !authorized(github, r.repo(), t.pullNumber(), t.sender(), config)) {
            return;
        }
        List<ReviewComment> comments;
        try {
            comments = github.reviewComments(r.repo(), t.pullNumber(), t.reviewId());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the review's comments", e);
        }
        // the review's own comments are its revise's: a batch of review comments skips them (by comment id), and a
        // comment a batch already revised is not given again
        Set<Long> mine = tasks.store().claimThreadComments(r.repo(), t.pullNumber(),
                comments.stream().map(ReviewComment::id).filter(id -> id != 0).toList());
        List<ReviewComment> fresh = comments.stream().filter(c -> c.id() == 0 || mine.contains(c.id())).toList();
        if (fresh.isEmpty() && !comments.isEmpty() && (t.body() == null || t.body().isBlank())) {
            log.info("{}#{}: every comment of review {} was revised already", r.repo(), t.pullNumber(), t.reviewId());
            return;
        }
        comments = fresh;
        String text = t.body() == null || t.body().isBlank() ? "Address the review comments below." : t.body();
        reviser.revise(new ReviseRequest(r.repo(), r.installationId(), r.cloneUrl(), r.defaultBranch(), t.pullNumber(),
                text, comments, t.sender()), config);
    }

    /**
     * Another app's check failed on a Grove pull request's head: a CI fix of its task, if the repository's config
     * can be read (no one asked, so an unreadable config is only logged: nothing runs).
     */
    public void onCheckFailure(Triggers.CheckFailure t) {
        Triggers.Repo r = t.repo();
        GitHubGateway github = gateways.apply(r.installationId());
        RepoConfigLoader.Loaded loaded = configs.load(github, r.repo(), r.defaultBranch());
        if (!loaded.readable()) {
            log.warn("{}: the config could not be read, so the failing check on {} is left alone", r.repo(), t.headSha());
            return;
        }
        Triggers.FailedRun run = t.checkRun();
        CheckRunDetails details = run == null ? null : new CheckRunDetails(run.id(), run.name(), 0, t.app(),
                t.headSha(), "completed", "failure", run.title(), run.summary(), run.text(), run.annotationsCount());
        ciFixer.fix(github, new CiFailure(r.repo(), r.installationId(), r.cloneUrl(), r.defaultBranch(), t.headSha(),
                t.pullNumbers(), t.checkSuiteId(), details, t.app()), loaded.config());
    }

    public void onPullRequestClosed(Triggers.PullRequestClosed t) {
        Triggers.Repo r = t.repo();
        GitHubGateway github = gateways.apply(r.installationId());
        RepoConfig config = configs.load(github, r.repo(), r.defaultBranch()).config();
        try {
            List<BaseConflict> conflicts = new ArrayList<>();
            Optional<TaskRecord> done;
            // one PR's clean-up at a time per repository: each brings the other open task PRs up to date and saves
            // their records, so two merges handled side by side lost each other's updates (a task recorded MERGED
            // was saved again as open by the other, and the tasks waiting for both never started). Across processes
            // the update saves a task only while it is still recorded open (StateStore.saveTaskIf)
            synchronized (closing.computeIfAbsent(r.repo().fullName(), k -> new Object())) {
                done = cleaner.closed(r.repo(), r.installationId(), r.cloneUrl(), t.pullNumber(), t.merged(),
                        config.deleteBranchOnMerge(), config.closeIssue(), config.baseOr(r.defaultBranch()),
                        r.defaultBranch(), conflicts::add);
            }
            conflicts.forEach(c -> resolve(github, r, c, config));
            Optional<SavedPlan> saved = done.flatMap(rec -> tasks.store().plan(r.repo(), rec.key().issue()));
            if (t.merged() && saved.isPresent()) {
                startHeldTasks(saved.get(), config);
            }
            saved.ifPresent(s -> tasks.runner().showStatus(s.request()));
        } catch (IOException e) {
            throw new UncheckedIOException("clean-up of " + r.repo() + "#" + t.pullNumber() + " failed", e);
        }
    }

    /**
     * An open task PR that conflicts with the base after another merged: with {@code auto_resolve} (the default) its
     * task is revised with the conflict named; otherwise the PR gets a comment naming the files.
     */
    private void resolve(GitHubGateway github, Triggers.Repo r, BaseConflict c, RepoConfig config) {
        int pr = c.task().prNumber();
        String what = "`" + c.base() + "` changed when #" + c.mergedPr() + " merged, and merging it into this branch"
                + " conflicts in " + c.fileList() + ".";
        if (!config.autoResolve()) {
            comment(github, r.repo(), pr, what + " Grove left the branch as it is (`auto_resolve: false`): resolve"
                    + " the conflict here, or ask `/grove revise` with what to do.");
            return;
        }
        reviser.revise(new ReviseRequest(r.repo(), r.installationId(), r.cloneUrl(), r.defaultBranch(), pr, what
                + " Resolve the merge of `" + c.base() + "` into this branch so that this task's change applies on top"
                + " of `" + c.base() + "` as it is now, keeping what the other change did to " + c.fileList() + ".",
                List.of(), "grove", c.base()), config);
    }

    /**
     * After a task PR merged: the issue's tasks held back until their predecessors merge (left {@code WAITING} by the
     * run) run now, from the updated base; a task whose predecessors are not all merged yet is held again. If a run of
     * the issue is going, it starts them as it ends ({@link dev.grove.pipeline.IssueRunner#startHeld}).
     */
    private void startHeldTasks(SavedPlan saved, RepoConfig config) {
        tasks.runner().startHeld(saved.request(), config, false);
    }

    /**
     * The issue was closed, or its trigger label removed: every queued or running agent of the issue (tasks, attempts,
     * the planner) is cancelled, then (once the issue's run has ended) the worktrees of tasks that pushed nothing are
     * removed. Pushed branches and open PRs stay.
     */
    public void onIssueStopped(Triggers.IssueStopped t) {
        RunRequest req = t.req();
        GitHubGateway github = gateways.apply(req.installationId());
        RepoConfigLoader.Loaded loaded = configs.load(github, req.repo(), req.defaultBranch());
        if (t.label() != null && (!loaded.readable() || !t.label().equalsIgnoreCase(loaded.config().triggerLabel()))) {
            return; // another label (or, the config unreadable, one Grove cannot tell for its own); a close always stops
        }
        List<TaskRecord> stopped = new ArrayList<>();
        for (TaskRecord task : tasks.store().tasks(req.repo(), req.issueNumber())) {
            if (!task.status().finished() && task.status() != TaskStatus.PLANNED && task.status() != TaskStatus.PUSHED) {
                tasks.runner().cancel(task.key(), req.requestedBy());
                stopped.add(task);
            }
        }
        if (stopped.isEmpty()) {
            return; // nothing was going: nothing to say
        }
        int removed = cleaner.removeUnpushedWorktrees(req, java.time.Duration.ofMinutes(2));
        String why = t.label() == null ? "the issue was closed" : "the `" + t.label() + "` label was removed";
        comment(github, req.repo(), req.issueNumber(), "Stopped " + TaskActions.describe(stopped) + ": " + why + " by @"
                + req.requestedBy() + ". " + removed + (removed == 1 ? " worktree" : " worktrees") + " that pushed"
                + " nothing removed; pushed branches and their pull requests are kept.");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The task a check run's external id names: {@code owner/repo#issue/slug}. */
    private Optional<TaskRecord> taskOf(RepoRef repo, String externalId) {
        if (externalId == null) {
            return Optional.empty();
        }
        String prefix = repo.fullName() + "#";
        int slash = externalId.indexOf('/', prefix.length());
        if (!externalId.startsWith(prefix) || slash < 0) {
            return Optional.empty();
        }
        try {
            int issue = Integer.parseInt(externalId.substring(prefix.length(), slash));
            return tasks.store().task(new TaskKey(repo, issue, externalId.substring(slash + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean authorized(GitHubGateway github, RepoRef repo, int replyOn, String user, RepoConfig config) {
        Optional<String> refusal = authorizer.refusal(github, repo, replyOn, user, config);
        if (refusal.isEmpty()) {
            return true;
        }
        if (!refusal.get().isEmpty()) {
            comment(github, repo, replyOn, refusal.get());
        }
        return false;
    }

    /** The repository's config; null when it could not be read (fail closed: the issue is told, unless a bot asked). */
    private RepoConfig config(GitHubGateway github, RepoRef repo, String defaultBranch, int reportOn, String user) {
        return config(github, repo, defaultBranch, reportOn, user, true);
    }

    /** {@code reportProblems} false: the config's problems were reported by the gate, maybe in another process. */
    private RepoConfig config(GitHubGateway github, RepoRef repo, String defaultBranch, int reportOn, String user,
            boolean reportProblems) {
        RepoConfigLoader.Loaded loaded = configs.load(github, repo, defaultBranch);
        if (!loaded.readable()) {
            if (!CommandAuthorizer.isBot(user)) {
                try {
                    github.commentOnIssue(repo, reportOn, RepoConfigLoader.unreadableComment(loaded.unreadable()));
                } catch (IOException e) {
                    // neither the config read nor the issue told: the job fails, so it is retried (and a Redeliver
                    // does the work once GitHub answers again) instead of ending silently
                    throw new UncheckedIOException("could not read the config of " + repo + " nor say so on #"
                            + reportOn, e);
                }
            }
            return null;
        }
        List<ConfigProblem> problems = loaded.problems();
        if (reportProblems && !problems.isEmpty()
                && reportedConfigs.add(repo.fullName() + "#" + reportOn + "@" + loaded.sha())) {
            comment(github, repo, reportOn, RepoConfigLoader.problemsComment(problems));
        }
        return loaded.config();
    }

    private static void comment(GitHubGateway github, RepoRef repo, int number, String body) {
        try {
            github.commentOnIssue(repo, number, body);
        } catch (IOException e) {
            log.warn("could not comment on {}#{}: {}", repo, number, e.getMessage());
        }
    }
}
