package dev.grove.command;

import dev.grove.config.CodeOwners;
import dev.grove.config.ConfigProblem;
import dev.grove.config.RepoConfig;
import dev.grove.config.RepoConfigLoader;
import dev.grove.github.GitHubGateway;
import dev.grove.github.RepoFile;
import dev.grove.model.RepoRef;
import dev.grove.github.ReviewComment;
import dev.grove.pipeline.Cleaner;
import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.ExperimentSettings;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.ReviseRequest;
import dev.grove.pipeline.Reviser;
import dev.grove.pipeline.RunOptions;
import dev.grove.model.RunRequest;
import dev.grove.plan.BranchNamer;
import dev.grove.plan.Plan;
import dev.grove.store.SavedPlan;
import dev.grove.store.StateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every trigger, from a verified delivery to what Grove does: read the repository's config (problems reported on
 * the issue once per version of the file), check who asked, then plan, run, show, cancel, retry, revise or clean up.
 * Runs on the job queue's threads, never on the webhook's.
 */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    private final LongFunction<GitHubGateway> gateways;
    private final RepoConfigLoader configs;
    private final CommandAuthorizer authorizer;
    private final IssueRunner runner;
    private final Reviser reviser;
    private final Cleaner cleaner;
    private final ExperimentRunner experiments;
    private final StateStore store;
    private final CommandParser parser = new CommandParser();
    private final Set<String> reportedConfigs = ConcurrentHashMap.newKeySet();

    public CommandDispatcher(LongFunction<GitHubGateway> gateways, RepoConfigLoader configs, CommandAuthorizer authorizer,
            IssueRunner runner, Reviser reviser, Cleaner cleaner, ExperimentRunner experiments, StateStore store) {
        this.gateways = gateways;
        this.configs = configs;
        this.authorizer = authorizer;
        this.runner = runner;
        this.reviser = reviser;
        this.cleaner = cleaner;
        this.experiments = experiments;
        this.store = store;
    }

    // ---- triggers ------------------------------------------------------------------------------------------------

    public void onLabel(Triggers.Label t) {
        RunRequest req = t.req();
        GitHubGateway github = gateways.apply(req.installationId());
        RepoConfig config = config(github, req.repo(), req.defaultBranch(), req.issueNumber(), req.requestedBy());
        if (config == null) {
            return; // fail closed: the issue says why
        }
        if (!t.label().equalsIgnoreCase(config.triggerLabel())) {
            log.info("{}#{}: label '{}' is not the trigger label '{}'", req.repo(), req.issueNumber(), t.label(),
                    config.triggerLabel());
            return;
        }
        acknowledge(github, req, 0);
        if (!authorized(github, req.repo(), req.issueNumber(), req.requestedBy(), config)) {
            return;
        }
        run(req, config, Set.of());
    }

    /** 👀 on the comment (or the issue, {@code commentId} 0) that asked: seen, before anything slow. Best effort. */
    private void acknowledge(GitHubGateway github, RunRequest req, long commentId) {
        try {
            github.react(req.repo(), req.issueNumber(), commentId, "eyes");
        } catch (IOException | RuntimeException e) {
            log.warn("could not react to {}#{} ({}): {}", req.repo(), req.issueNumber(), commentId, e.getMessage());
        }
    }

    public void onComment(Triggers.Comment t) {
        ParseResult parsed = parser.parse(t.body());
        if (parsed instanceof ParseResult.Ignored) {
            return;
        }
        RunRequest req = t.req();
        GitHubGateway github = gateways.apply(req.installationId());
        acknowledge(github, req, t.commentId());
        RepoConfig config = config(github, req.repo(), req.defaultBranch(), req.issueNumber(), req.requestedBy());
        if (config == null || !authorized(github, req.repo(), req.issueNumber(), req.requestedBy(), config)) {
            return;
        }
        if (parsed instanceof ParseResult.Reply reply) {
            comment(github, req.repo(), req.issueNumber(), reply.text());
            return;
        }
        Command command = ((ParseResult.Parsed) parsed).command();
        if (t.onPullRequest()) {
            onPullRequestCommand(github, req, config, command);
        } else {
            onIssueCommand(github, req, config, command);
        }
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
                runner.cancel(task.key(), t.sender());
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
                    store.plan(r.repo(), task.key().issue()).ifPresent(saved ->
                            retry(github, saved.request(), config, task, t.sender()));
                }
            }
            default -> log.info("check run action '{}' is not one of Grove's; ignored", t.action());
        }
    }

    public void onReview(Triggers.Review t) {
        Triggers.Repo r = t.repo();
        GitHubGateway github = gateways.apply(r.installationId());
        if (store.taskByPullRequest(r.repo(), t.pullNumber()).isEmpty()) {
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
        String text = t.body() == null || t.body().isBlank() ? "Address the review comments below." : t.body();
        reviser.revise(new ReviseRequest(r.repo(), r.installationId(), r.cloneUrl(), r.defaultBranch(), t.pullNumber(),
                text, comments, t.sender()), config);
    }

    public void onPullRequestClosed(Triggers.PullRequestClosed t) {
        Triggers.Repo r = t.repo();
        GitHubGateway github = gateways.apply(r.installationId());
        RepoConfig config = configs.load(github, r.repo(), r.defaultBranch()).config();
        try {
            Optional<TaskRecord> done = cleaner.closed(r.repo(), r.installationId(), r.cloneUrl(), t.pullNumber(),
                    t.merged(), config.deleteBranchOnMerge(), config.closeIssue());
            done.flatMap(rec -> store.plan(r.repo(), rec.key().issue()))
                    .ifPresent(saved -> runner.showStatus(saved.request()));
        } catch (IOException e) {
            throw new UncheckedIOException("clean-up of " + r.repo() + "#" + t.pullNumber() + " failed", e);
        }
    }

    /**
     * The issue was closed, or its trigger label removed: every queued or running task is cancelled, then (once the
     * issue's run has ended) the worktrees of tasks that pushed nothing are removed. Pushed branches and open PRs stay.
     */
    public void onIssueStopped(Triggers.IssueStopped t) {
        RunRequest req = t.req();
        GitHubGateway github = gateways.apply(req.installationId());
        RepoConfigLoader.Loaded loaded = configs.load(github, req.repo(), req.defaultBranch());
        if (t.label() != null && (!loaded.readable() || !t.label().equalsIgnoreCase(loaded.config().triggerLabel()))) {
            return; // another label (or, the config unreadable, one Grove cannot tell for its own); a close always stops
        }
        List<String> stopped = new ArrayList<>();
        for (TaskRecord task : store.tasks(req.repo(), req.issueNumber())) {
            if (!task.status().finished() && task.status() != TaskStatus.PLANNED && task.status() != TaskStatus.PUSHED) {
                runner.cancel(task.key(), req.requestedBy());
                stopped.add(String.valueOf(task.number()));
            }
        }
        if (stopped.isEmpty()) {
            return; // nothing was going: nothing to say
        }
        int removed;
        try {
            removed = cleaner.removeUnpushedWorktrees(req, java.time.Duration.ofMinutes(2));
        } catch (IOException e) {
            throw new UncheckedIOException("clean-up of " + req.repo() + "#" + req.issueNumber() + " failed", e);
        }
        String why = t.label() == null ? "the issue was closed" : "the `" + t.label() + "` label was removed";
        comment(github, req.repo(), req.issueNumber(), "Stopped task" + (stopped.size() == 1 ? " " : "s ")
                + String.join(", ", stopped) + ": " + why + " by @" + req.requestedBy() + ". " + removed
                + (removed == 1 ? " worktree" : " worktrees") + " that pushed nothing removed; pushed branches and "
                + "their pull requests are kept.");
    }

    // ---- commands ------------------------------------------------------------------------------------------------

    private void onIssueCommand(GitHubGateway github, RunRequest req, RepoConfig config, Command command) {
        if (command instanceof Command.Help) {
            comment(github, req.repo(), req.issueNumber(), CommandParser.HELP);
        } else if (command instanceof Command.Plan) {
            runner.plan(req, config.maxTasks());
        } else if (command instanceof Command.Run run) {
            run(req, config, Set.copyOf(run.tasks()));
        } else if (command instanceof Command.Status) {
            if (!runner.showStatus(req)) {
                comment(github, req.repo(), req.issueNumber(), "Grove has not planned or run #" + req.issueNumber()
                        + " yet. `/grove plan` proposes the tasks; `/grove run` runs them.");
            }
        } else if (command instanceof Command.Cancel c) {
            cancel(github, req, c);
        } else if (command instanceof Command.Retry r) {
            Optional<TaskRecord> task = find(req, r.task());
            if (task.isEmpty()) {
                comment(github, req.repo(), req.issueNumber(), noSuchTask(req, r.task()));
            } else if (task.get().status() != TaskStatus.FAILED) {
                comment(github, req.repo(), req.issueNumber(), "Task " + task.get().number() + " is "
                        + task.get().status().label() + "; `/grove retry` runs only failed tasks.");
            } else {
                retry(github, req, config, task.get(), req.requestedBy());
            }
        } else if (command instanceof Command.Revise) {
            comment(github, req.repo(), req.issueNumber(), "`revise` works on a pull request"
                    + " Grove opened: comment `/grove revise <instructions>` there.");
        } else if (command instanceof Command.Try t) {
            try {
                experiments.tryAttempts(req, t.attempts(), t.task().orElse(null), new ExperimentSettings(config.verify(),
                        config.measure(), config.maxTasks(), List.of(), config.verifyTimeout(), runner.agentFor(config)));
            } catch (IOException e) {
                throw new UncheckedIOException("/grove try on " + req.repo() + "#" + req.issueNumber() + " failed", e);
            }
        } else if (command instanceof Command.Pick p) {
            try {
                experiments.pick(req, p.attempt());
            } catch (IOException e) {
                throw new UncheckedIOException("/grove pick on " + req.repo() + "#" + req.issueNumber() + " failed", e);
            }
        }
    }

    private void onPullRequestCommand(GitHubGateway github, RunRequest pr, RepoConfig config, Command command) {
        if (command instanceof Command.Revise r) {
            reviser.revise(new ReviseRequest(pr.repo(), pr.installationId(), pr.cloneUrl(), pr.defaultBranch(),
                    pr.issueNumber(), r.instructions(), List.of(), pr.requestedBy()), config);
        } else if (command instanceof Command.Help) {
            comment(github, pr.repo(), pr.issueNumber(), CommandParser.HELP);
        } else {
            comment(github, pr.repo(), pr.issueNumber(), "On a pull request Grove takes `/grove revise <instructions>`"
                    + " (or `@grove <instructions>`); the other commands go on the issue.");
        }
    }

    private void run(RunRequest req, RepoConfig config, Set<Integer> only) {
        GitHubGateway github = gateways.apply(req.installationId());
        Optional<SavedPlan> shown = store.plan(req.repo(), req.issueNumber()).filter(SavedPlan::shownForApproval);
        if (shown.isPresent() && !shown.get().madeFrom(req.issueBody())) {
            // approval means what was approved: never run a plan nobody was shown
            comment(github, req.repo(), req.issueNumber(), "The issue changed since `/grove plan` showed its plan, "
                    + "so nothing was started: what would run now is not what was shown. `/grove plan` shows the new "
                    + "plan; then `/grove run` runs it.");
            return;
        }
        List<String> notes = new ArrayList<>();
        Plan plan = runner.planFor(req, notes, config.maxTasks());
        Set<Integer> numbers = plan.tasks().stream().map(t -> t.number()).collect(Collectors.toSet());
        Set<Integer> unknown = new HashSet<>(only);
        unknown.removeAll(numbers);
        if (!unknown.isEmpty()) {
            comment(github, req.repo(), req.issueNumber(), "The plan has no task " + unknown.stream().sorted()
                    .map(String::valueOf).collect(Collectors.joining(", ")) + " (it has tasks 1 to " + numbers.size()
                    + "), so nothing was started. `/grove plan` shows them.");
            return;
        }
        notes.forEach(n -> comment(github, req.repo(), req.issueNumber(), n));
        Set<Integer> allowed = codeOwnersAllow(github, req, config, plan, only.isEmpty() ? numbers : only);
        if (allowed.isEmpty() && !numbers.isEmpty()) {
            return; // the commenter owns none of the tasks; the reply said who does
        }
        try {
            runner.run(req, new RunOptions(config, allowed.equals(numbers) ? Set.of() : allowed, plan, true));
        } catch (IOException e) {
            throw new UncheckedIOException("run of " + req.repo() + "#" + req.issueNumber() + " failed", e);
        }
    }

    private void retry(GitHubGateway github, RunRequest req, RepoConfig config, TaskRecord task, String by) {
        Plan plan = store.plan(req.repo(), req.issueNumber()).map(SavedPlan::plan).orElse(null);
        if (plan != null && codeOwnersAllow(github, new RunRequest(req.repo(), req.installationId(), req.issueNumber(),
                req.issueTitle(), req.issueBody(), by, req.cloneUrl(), req.defaultBranch()), config, plan,
                Set.of(task.number())).isEmpty()) {
            return;
        }
        try {
            runner.run(req, new RunOptions(config, Set.of(task.number()), plan, true));
        } catch (IOException e) {
            throw new UncheckedIOException("retry of " + task.key() + " failed", e);
        }
    }

    private void cancel(GitHubGateway github, RunRequest req, Command.Cancel c) {
        List<TaskRecord> targets;
        if (c.task().isPresent()) {
            Optional<TaskRecord> t = find(req, c.task().get());
            if (t.isEmpty()) {
                comment(github, req.repo(), req.issueNumber(), noSuchTask(req, c.task().get()));
                return;
            }
            targets = List.of(t.get());
        } else {
            targets = store.tasks(req.repo(), req.issueNumber());
        }
        List<String> stopped = new ArrayList<>();
        for (TaskRecord t : targets) {
            if (!t.status().finished() && t.status() != TaskStatus.PLANNED && t.status() != TaskStatus.PUSHED) {
                runner.cancel(t.key(), req.requestedBy());
                stopped.add(String.valueOf(t.number()));
            }
        }
        comment(github, req.repo(), req.issueNumber(), stopped.isEmpty()
                ? "Nothing to cancel: no task of #" + req.issueNumber() + " is queued or running."
                : "Cancelling task" + (stopped.size() == 1 ? " " : "s ") + String.join(", ", stopped)
                        + " as @" + req.requestedBy() + " asked. Branches that already hold commits are kept.");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /**
     * With {@code require_code_owners}: the tasks among {@code wanted} the requester owns (all of them for an admin),
     * and one reply naming the owners of the others. Without it: {@code wanted}.
     */
    private Set<Integer> codeOwnersAllow(GitHubGateway github, RunRequest req, RepoConfig config, Plan plan,
            Set<Integer> wanted) {
        if (!config.requireCodeOwners()) {
            return wanted;
        }
        try {
            if ("admin".equals(authorizer.check(github, req.repo(), req.requestedBy(), config).role())) {
                return wanted;
            }
            CodeOwners owners = CodeOwners.parse("");
            for (String path : CodeOwners.LOCATIONS) {
                Optional<RepoFile> f = github.readFile(req.repo(), path, req.defaultBranch());
                if (f.isPresent()) {
                    owners = CodeOwners.parse(f.get().text());
                    break;
                }
            }
            Set<Integer> allowed = new java.util.TreeSet<>();
            List<String> refused = new ArrayList<>();
            for (var t : plan.tasks()) {
                if (!wanted.contains(t.number())) continue;
                if (owners.mayRun(req.requestedBy(), t.paths())) {
                    allowed.add(t.number());
                } else {
                    Set<String> who = owners.ownersOf(t.paths());
                    refused.add("task " + t.number() + " (" + t.title() + "): " + (who == null || who.isEmpty()
                            ? "no one owns all of its paths, so only an admin can run it"
                            : "one of " + String.join(", ", who) + " (or an admin) can run it"));
                }
            }
            if (!refused.isEmpty()) {
                comment(github, req.repo(), req.issueNumber(), "@" + req.requestedBy() + " this repository requires"
                        + " code owners to run tasks (`require_code_owners: true`), and you do not own the paths of "
                        + String.join("; ", refused) + "." + (allowed.isEmpty() ? " Nothing was started."
                        : " Starting the others: " + allowed + "."));
            }
            return allowed;
        } catch (IOException e) {
            log.warn("{}#{}: could not read the permission or CODEOWNERS: {}", req.repo(), req.issueNumber(), e.getMessage());
            comment(github, req.repo(), req.issueNumber(), "@" + req.requestedBy() + " Grove could not read the code"
                    + " owners of " + req.repo().fullName() + " or your permission (GitHub: " + e.getMessage()
                    + "), so nothing was started. Please try again in a few minutes.");
            return Set.of();
        }
    }

    /** A task of the issue by number, slug or title (any case). */
    private Optional<TaskRecord> find(RunRequest req, String ref) {
        List<TaskRecord> tasks = store.tasks(req.repo(), req.issueNumber());
        String r = ref.strip();
        String slug = BranchNamer.slug(r);
        return tasks.stream().filter(t -> String.valueOf(t.number()).equals(r) || t.key().task().equals(r)
                || t.title().equalsIgnoreCase(r) || t.key().task().equals(slug)).findFirst();
    }

    private String noSuchTask(RunRequest req, String ref) {
        List<TaskRecord> tasks = store.tasks(req.repo(), req.issueNumber());
        return "#" + req.issueNumber() + " has no task `" + ref + "`." + (tasks.isEmpty() ? " Nothing was planned yet."
                : " Its tasks: " + tasks.stream().map(t -> t.number() + " " + t.title()).collect(Collectors.joining("; ")) + ".");
    }

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
            return store.task(new TaskKey(repo, issue, externalId.substring(slash + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean authorized(GitHubGateway github, RepoRef repo, int replyOn, String user, RepoConfig config) {
        CommandAuthorizer.Decision d;
        try {
            d = authorizer.check(github, repo, user, config);
        } catch (IOException e) {
            log.warn("{}#{}: could not read the permission of {}: {}", repo, replyOn, user, e.getMessage());
            comment(github, repo, replyOn, CommandAuthorizer.couldNotCheck(user, repo, e.getMessage()));
            return false;
        }
        if (d.allowed()) {
            return true;
        }
        log.info("{}#{}: {} ({}) may not command Grove", repo, replyOn, user, d.role());
        if (!"bot".equals(d.role()) && authorizer.shouldAnswerRefusal(repo, replyOn, user)) {
            comment(github, repo, replyOn, CommandAuthorizer.refusal(user, repo, config, d.role()));
        }
        return false;
    }

    /** The repository's config; null when it could not be read (fail closed: the issue is told, unless a bot asked). */
    private RepoConfig config(GitHubGateway github, RepoRef repo, String defaultBranch, int reportOn, String user) {
        RepoConfigLoader.Loaded loaded = configs.load(github, repo, defaultBranch);
        if (!loaded.readable()) {
            if (!CommandAuthorizer.isBot(user)) {
                comment(github, repo, reportOn, RepoConfigLoader.unreadableComment(loaded.unreadable()));
            }
            return null;
        }
        List<ConfigProblem> problems = loaded.problems();
        if (!problems.isEmpty() && reportedConfigs.add(repo.fullName() + "#" + reportOn + "@" + loaded.sha())) {
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

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
