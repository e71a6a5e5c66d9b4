package dev.grove.pipeline;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentRunner;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.model.MergeCheck;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.github.TokenSource;
import dev.grove.model.RunRequest;
import dev.grove.plan.BranchNamer;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.report.Messages;
import dev.grove.report.RunView;
import dev.grove.model.AgentRun;
import dev.grove.model.RunTotals;
import dev.grove.store.SavedPlan;
import dev.grove.store.StateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issue's run: check who asked, plan, then run the tasks wave by wave, at most {@code maxParallel} agents at
 * once, each through {@link TaskPipeline}, while the tracking comment follows. Keyed by (repository, issue, task):
 * a task that already has its PR is kept, one that pushed resumes at its PR, so a second trigger or a restart never
 * opens a second PR or pushes a second copy.
 */
public final class IssueRunner {
    private static final Logger log = LoggerFactory.getLogger(IssueRunner.class);
    private static final Set<String> MAY_RUN = Set.of("admin", "write");
    /** Where a task is while its run goes on: found at the start of a run, its earlier run was stopped. */
    private static final Set<TaskStatus> INTERRUPTED = Set.of(TaskStatus.QUEUED, TaskStatus.WAITING, TaskStatus.RUNNING);

    private final LongFunction<GitHubGateway> gateways;
    private final TokenSource tokens;
    private final GitClient git;
    private final AgentCatalog agents;
    private final IssueBudget budget;
    private final TaskProgressListener progressListener;
    private final RunningAgents running = new RunningAgents();
    private final StateStore store;
    private final RunnerSettings settings;
    private final ExecutorService taskPool;
    private final Clock clock;
    private final PlanSource plans;
    private final Cancellations cancellations = new Cancellations();
    private volatile CommentPacer comments;
    /** The most tasks a planner agent may propose (the repository's {@code max_tasks}, once config is wired). */

    /**
     * @param tokens installation tokens for git over HTTPS; null where git needs none (the offline demo)
     */
    public IssueRunner(LongFunction<GitHubGateway> gateways, TokenSource tokens, GitClient git, AgentRunner agent,
            StateStore store, RunnerSettings settings, ExecutorService taskPool, Clock clock) {
        this(gateways, tokens, git, AgentCatalog.single(agent), IssueBudget.UNLIMITED, TaskProgressListener.NONE, store,
                settings, taskPool, clock);
    }

    /**
     * @param agents           the agents this server offers; tasks run the catalog's default one
     * @param budget           what one issue's agents may spend, in dollars and agent time
     * @param progressListener hears each running task's latest progress line, throttled (check runs)
     */
    public IssueRunner(LongFunction<GitHubGateway> gateways, TokenSource tokens, GitClient git, AgentCatalog agents,
            IssueBudget budget, TaskProgressListener progressListener, StateStore store, RunnerSettings settings,
            ExecutorService taskPool, Clock clock) {
        this.gateways = gateways;
        this.tokens = tokens;
        this.git = git;
        this.agents = agents;
        this.budget = budget;
        this.progressListener = progressListener;
        this.store = store;
        this.settings = settings;
        this.taskPool = taskPool;
        this.clock = clock;
        this.plans = new PlanSource(git, agents.get(agents.defaultName()), settings);
        this.comments = CommentPacer.withTimer(clock, CommentPacer.DEFAULT_INTERVAL);
    }

    /** Paces tracking-comment edits with {@code pacer} (at most one per issue per its interval); returns this runner. */
    public IssueRunner pacingComments(CommentPacer pacer) {
        this.comments = pacer;
        return this;
    }

    /** The agents running now, to cancel them ({@code /grove cancel}). */
    public RunningAgents runningAgents() {
        return running;
    }

    /** What a finished run left, task by task, in plan order. */
    public record Result(Plan plan, List<TaskRecord> tasks, Duration wallTime, MergeCheck mergeCheck, RunTotals totals) {
        public Result(Plan plan, List<TaskRecord> tasks, Duration wallTime) {
            this(plan, tasks, wallTime, null, new RunTotals(wallTime, null));
        }

        /**
         * The task's part of the merge check, for its check run: {@code neutral} with the reason when its branch
         * conflicts with another task's. Empty when no merge check ran (fewer than two branches pushed).
         */
        public Optional<MergeCheck.BranchResult> conflictsOf(TaskRecord task) {
            if (mergeCheck == null || task.branch() == null || !mergeCheck.branches().contains(task.branch())) {
                return Optional.empty();
            }
            return Optional.of(mergeCheck.forBranch(task.branch()));
        }
    }

    /** Runs the issue; returns null when nothing ran (not allowed, or a run is still going). */
    public Result run(RunRequest req) throws IOException {
        return run(req, RunOptions.unchecked(RepoConfig.defaults("grove", settings.maxParallel())));
    }

    /**
     * Runs the issue's tasks as the options say (the tasks named, the plan given, the repository's config); returns
     * null when nothing ran (not allowed, or a run is still going).
     */
    public Result run(RunRequest req, RunOptions opts) throws IOException {
        GitHubGateway github = gateways.apply(req.installationId());
        String permission = opts.authorized() ? "write" : github.permissionOf(req.repo(), req.requestedBy());
        if (!MAY_RUN.contains(permission)) {
            log.info("{}#{}: {} has {} permission; not running", req.repo(), req.issueNumber(), req.requestedBy(), permission);
            github.commentOnIssue(req.repo(), req.issueNumber(), Messages.notAllowed(req.requestedBy(), req.repo(), permission));
            return null;
        }
        if (!store.tryStartRun(req.repo(), req.issueNumber())) {
            github.commentOnIssue(req.repo(), req.issueNumber(), Messages.runStillGoing(req.issueNumber()));
            return null;
        }
        try {
            return runClaimed(req, github, opts);
        } finally {
            store.finishRun(req.repo(), req.issueNumber());
        }
    }

    private Result runClaimed(RunRequest req, GitHubGateway github, RunOptions opts) {
        Instant started = clock.instant();
        TrackingComment tracking = new TrackingComment(github, store, req.repo(), req.issueNumber(), comments);
        CachedRepo[] synced = new CachedRepo[1];
        Plan plan = opts.plan() != null ? opts.plan() : planIssue(req, synced, opts.config().maxTasks());
        if (plan.problem() != null) {
            Duration wall = Duration.between(started, clock.instant());
            tracking.settle(new RunView(req.repo(), req.issueNumber(), List.of(), plan.notes(), new RunTotals(wall, null),
                    plan.problem()));
            return new Result(plan, List.of(), wall);
        }
        Map<Task, TaskKey> keys = keys(req.repo(), req.issueNumber(), plan.tasks());
        Map<Integer, List<String>> outside = new ConcurrentHashMap<>();
        MergeCheck[] mergeCheck = new MergeCheck[1];
        Plan planned = plan;
        Runnable refresh = () -> tracking.show(view(req, planned, keys, null, null, outside, null));
        store.savePlan(new SavedPlan(req, plan));
        Set<Task> selected = new HashSet<>();
        for (Task t : plan.tasks()) {
            if (opts.only().isEmpty() || opts.only().contains(t.number())) selected.add(t);
        }
        Map<Task, String> leftovers = new LinkedHashMap<>();
        List<Task> interruptedPushes = new ArrayList<>();
        Set<TaskKey> runNow = new HashSet<>(); // the tasks this run starts afresh: only their times make its figures
        for (Task t : plan.tasks()) {
            TaskKey key = keys.get(t);
            TaskRecord rec = store.task(key).orElse(null);
            if (!selected.contains(t)) {
                if (rec == null) store.saveTask(TaskRecord.queued(key, t.number(), t.title()).withStatus(TaskStatus.PLANNED));
                continue;
            }
            cancellations.clear(key);
            if (rec != null && rec.status() == TaskStatus.PUSHING && rec.branch() != null) {
                interruptedPushes.add(t); // decided once origin is fetched: did that push land?
                continue;
            }
            if (rec != null && INTERRUPTED.contains(rec.status()) && rec.branch() != null) {
                // left going by a process that stopped (this run holds the issue's claim, so no one else runs it):
                // its leftovers are removed once origin is fetched, and it runs again on the same branch name
                interruptedPushes.add(t);
                continue;
            }
            if (rec == null || !(rec.status().hasPullRequest() || rec.status() == TaskStatus.PUSHED)) {
                if (rec != null && rec.status() == TaskStatus.FAILED && rec.branch() != null) {
                    leftovers.put(t, rec.branch());
                }
                // what earlier runs of the task spent still counts against the issue's budget
                runNow.add(key);
                store.saveTask(TaskRecord.queued(key, t.number(), t.title()).withAgentRun(rec == null ? null
                        : rec.agentRun() == null ? null : AgentRun.start(rec.agentRun().agent(), null, rec.agentRun())));
            }
        }
        refresh.run();
        if (plan.tasks().isEmpty()) {
            tracking.show(view(req, plan, keys, new RunTotals(Duration.between(started, clock.instant()), null), null,
                    outside, null));
            return new Result(plan, List.of(), Duration.between(started, clock.instant()));
        }

        String problem = null;
        RunnerSettings runSettings = new RunnerSettings(settings.dataDir(), opts.config().maxParallel(),
                settings.agentTimeout(), opts.config().branchPrefix());
        String base = opts.config().baseOr(req.defaultBranch());
        try {
            CachedRepo clone = synced[0] != null ? synced[0]
                    : git.sync(req.repo(), req.cloneUrl(), credentials(req.installationId()));
            String baseSha = git.remoteBranchHead(clone, base);
            leftovers.forEach((t, branch) -> removeLeftover(clone, runSettings, req, branch, baseSha));
            interruptedPushes.forEach(t -> settleInterrupted(clone, runSettings, req, keys.get(t), baseSha));
            assignBranches(req, plan, keys, clone, runSettings, selected);
            String agentName = agents.names().contains(opts.config().agent()) ? opts.config().agent()
                    : agents.defaultName();
            TaskPipeline pipeline = new TaskPipeline(req, github, git, agents.get(agentName), store, runSettings, clone,
                    baseSha, () -> credentials(req.installationId()), refresh, clock,
                    new TaskPipeline.AgentSetup(agentName, agents.timeoutOf(agentName).orElse(null),
                            budget.tighter(opts.config().budget().perIssueUsd(), opts.config().budget().agentTime()), running,
                            progressListener, ProgressThrottle.DEFAULT_INTERVAL), outside::put, opts.config(), base,
                    cancellations);
            Semaphore slots = new Semaphore(Math.max(1, runSettings.maxParallel()));
            List<List<Task>> waves = plan.waves().stream()
                    .map(w -> w.stream().filter(selected::contains).toList()).filter(w -> !w.isEmpty()).toList();
            for (int w = 0; w < waves.size(); w++) {
                List<Task> wave = waves.get(w);
                for (int later = w + 1; later < waves.size(); later++) {
                    for (Task t : waves.get(later)) markWaiting(keys.get(t));
                }
                refresh.run();
                List<Future<?>> running = new ArrayList<>();
                for (Task t : wave) {
                    running.add(taskPool.submit(dev.grove.webhook.LogContext.carry(() -> {
                        slots.acquireUninterruptibly();
                        try {
                            pipeline.run(t, keys.get(t));
                        } finally {
                            slots.release();
                        }
                    }, dev.grove.webhook.LogContext.TASK, keys.get(t).task())));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        log.error("a task of {}#{} failed unexpectedly", req.repo(), req.issueNumber(), e);
                    }
                }
            }
            mergeCheck[0] = checkMerges(clone, baseSha, records(plan, keys));
            reportConflictsInCheckRuns(github, req.repo(), records(plan, keys), mergeCheck[0]);
        } catch (RuntimeException e) {
            log.error("run of {}#{} stopped", req.repo(), req.issueNumber(), e);
            problem = "The run stopped: " + e.getMessage();
            for (TaskKey key : keys.values()) {
                store.task(key).filter(r -> !r.status().finished() && r.status() != TaskStatus.PUSHED)
                        .ifPresent(r -> store.saveTask(r.withStatus(TaskStatus.FAILED).withMessage("not run: the run stopped")));
            }
        }
        Duration wall = Duration.between(started, clock.instant());
        RunTotals totals = new RunTotals(wall, records(plan, keys).stream().filter(r -> runNow.contains(r.key()))
                .map(TaskRecord::elapsed).filter(d -> d != null).reduce(Duration.ZERO, Duration::plus));
        store.savePlan(new SavedPlan(req, plan, totals));
        tracking.settle(view(req, plan, keys, totals, problem, outside, mergeCheck[0]));
        return new Result(plan, records(plan, keys), wall, mergeCheck[0], totals);
    }

    /**
     * A task left going by a process that stopped ({@code PUSHING}, or before: {@code RUNNING}, {@code QUEUED},
     * {@code WAITING}): origin is the truth. If origin holds the branch, the push landed and the task resumes at its
     * pull request, without running its agent or pushing again. If not, its worktree and local branch (whatever they
     * hold) are removed, and it runs again from the base on the same branch name: never a second branch for one task.
     */
    private void settleInterrupted(CachedRepo clone, RunnerSettings runSettings, RunRequest req, TaskKey key,
            String baseSha) {
        TaskRecord rec = store.task(key).orElseThrow();
        String onOrigin = null;
        try {
            onOrigin = git.remoteBranchHead(clone, rec.branch());
        } catch (RuntimeException e) {
            log.info("{}: origin has no {}; the task's earlier run did not push", key, rec.branch());
        }
        if (onOrigin != null) {
            store.saveTask(rec.withStatus(TaskStatus.PUSHED).withHeadSha(onOrigin)
                    .withMessage("resumed: origin already held the branch"));
            return;
        }
        removeLeftover(clone, runSettings, req, rec.branch(), baseSha);
        try {
            git.discardLocalBranch(clone, rec.branch());
        } catch (RuntimeException e) {
            log.warn("{}: could not discard the local branch {}: {}", key, rec.branch(), e.getMessage());
        }
        store.saveTask(TaskRecord.queued(key, rec.number(), rec.title()).withBranch(rec.branch())
                .withAgentRun(rec.agentRun() == null ? null : AgentRun.start(rec.agentRun().agent(), null, rec.agentRun())));
    }

    /**
     * A task whose branch conflicts with another task's gets its check run turned {@code neutral}, with the other
     * branches and the files in the summary, so the PR itself says it cannot be merged together with the other one.
     */
    private void reportConflictsInCheckRuns(GitHubGateway github, RepoRef repo, List<TaskRecord> tasks, MergeCheck check) {
        if (check == null) {
            return;
        }
        CheckRunReporter checks = new CheckRunReporter(github, store);
        for (TaskRecord t : tasks) {
            if (t.branch() == null || !check.branches().contains(t.branch())) continue;
            MergeCheck.BranchResult result = check.forBranch(t.branch());
            if (!result.conflicts()) continue;
            store.checkRun(t.key()).ifPresent(id -> checks.complete(repo, t.key(), id, result.conclusion(),
                    "Conflicts with another task of #" + t.key().issue(),
                    result.reason() + "\n\nMerge one of them first, then retry the other on top of it.", clock.instant()));
        }
    }

    /**
     * Once the run's tasks have pushed: every pair of their branches, and all together, merged in memory. Null when
     * fewer than two branches were pushed, or when the check itself failed (logged; the run's result stands).
     */
    private MergeCheck checkMerges(CachedRepo clone, String baseSha, List<TaskRecord> tasks) {
        Map<String, String> tips = new LinkedHashMap<>();
        for (TaskRecord t : tasks) {
            if (t.branch() != null && t.headSha() != null
                    && (t.status() == TaskStatus.PR_OPENED || t.status() == TaskStatus.PUSHED)) {
                tips.put(t.branch(), t.headSha());
            }
        }
        if (tips.size() < 2) {
            return null;
        }
        try {
            return git.mergeCheck(clone, baseSha, tips);
        } catch (RuntimeException e) {
            log.warn("could not check whether the branches of {} merge: {}", clone.repo(), e.getMessage());
            return null;
        }
    }

    /** One key per task; two tasks whose titles give the same slug are told apart by their number. */
    private static Map<Task, TaskKey> keys(RepoRef repo, int issue, List<Task> tasks) {
        Map<Task, TaskKey> keys = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Task t : tasks) {
            String slug = BranchNamer.slug(t.title());
            if (!used.add(slug)) {
                slug = slug + "-" + t.number();
                used.add(slug);
            }
            keys.put(t, new TaskKey(repo, issue, slug));
        }
        return keys;
    }

    /**
     * Names every task's branch before any task starts, so tasks starting at once never pick the same name. A task
     * that pushed, or whose stopped run is resumed, keeps its branch; every other one gets a name no branch in the
     * clone or on origin has.
     */
    private void assignBranches(RunRequest req, Plan plan, Map<Task, TaskKey> keys, CachedRepo clone,
            RunnerSettings runSettings, Set<Task> selected) {
        Set<String> taken = new HashSet<>(git.branchNames(clone));
        for (Task t : plan.tasks()) {
            TaskRecord rec = store.task(keys.get(t)).orElseThrow();
            if (!selected.contains(t) || rec.branch() != null) {
                continue; // a task that pushed, or one resumed after a stop, keeps its branch name
            }
            String branch = BranchNamer.branchName(runSettings.branchPrefix(), req.issueNumber(), t.title(), taken);
            taken.add(branch);
            store.saveTask(rec.withBranch(branch));
        }
    }

    /**
     * The issue's plan: written in the issue (checklist or {@code grove} block), else from the planner agent, which
     * needs the clone ({@code synced[0]} is set to it then). A planning failure is a plan with a problem.
     */
    private Plan planIssue(RunRequest req, CachedRepo[] synced, int maxTasks) {
        try {
            Optional<Plan> written = plans.fromIssueText(req.issueTitle(), req.issueBody(), maxTasks);
            if (written.isPresent()) {
                return written.get();
            }
            synced[0] = git.sync(req.repo(), req.cloneUrl(), credentials(req.installationId()));
            return plans.plan(req, synced[0], git.remoteBranchHead(synced[0], req.defaultBranch()), maxTasks);
        } catch (RuntimeException e) {
            log.error("planning {}#{} failed", req.repo(), req.issueNumber(), e);
            return new Plan(List.of(), List.of(), List.of(), null, "The run stopped while planning: " + e.getMessage());
        }
    }

    /**
     * Before a failed task runs again: its worktree is removed, and its local branch too when nothing on it is
     * missing from origin, so the retry starts fresh from the base under the same branch name.
     */
    private void removeLeftover(CachedRepo clone, RunnerSettings runSettings, RunRequest req, String branch, String baseSha) {
        Path dir = TaskPipeline.worktreeDir(runSettings, req.repo(), branch);
        try {
            git.removeWorktree(new Worktree(clone, dir, branch, baseSha), true);
        } catch (RuntimeException e) {
            log.warn("could not remove the leftovers of {}: {}", branch, e.getMessage());
        }
    }

    /** The stop flags of this runner's tasks. */
    public Cancellations cancellations() {
        return cancellations;
    }

    /** The agent names this runner offers (a repository's {@code agent:} picks one). */
    public java.util.Set<String> agentNames() {
        return agents.names();
    }

    /** The agent a repository's config names, or the server's default when it names none the server has. */
    public AgentRunner agentFor(RepoConfig config) {
        return agents.get(agents.names().contains(config.agent()) ? config.agent() : agents.defaultName());
    }

    /**
     * Stops a task: a queued one never starts, a running agent is killed with its process tree (the task then ends
     * failed, "cancelled by @user", worktree and branch kept). True when an agent was running.
     */
    public boolean cancel(TaskKey key, String by) {
        cancellations.cancel(key, by);
        cancelBroadcast.accept(key, by);
        return running.cancel(key, "cancelled by @" + by);
    }

    private volatile java.util.function.BiConsumer<TaskKey, String> cancelBroadcast = (k, by) -> { };

    /** Where a cancel is also sent, so that another process running the task stops it (the shared database). */
    public void broadcastCancels(java.util.function.BiConsumer<TaskKey, String> broadcast) {
        this.cancelBroadcast = broadcast;
    }

    /**
     * {@code /grove plan}: plans the issue, keeps the plan, and shows it in the tracking comment; nothing runs.
     * Tasks that already ran keep their records. A planner agent proposes at most {@code maxTasks} tasks.
     */
    public Plan plan(RunRequest req, int maxTasks) {
        GitHubGateway github = gateways.apply(req.installationId());
        Plan plan = planIssue(req, new CachedRepo[1], maxTasks);
        TrackingComment tracking = new TrackingComment(github, store, req.repo(), req.issueNumber(), comments);
        if (plan.problem() != null) {
            tracking.settle(new RunView(req.repo(), req.issueNumber(), List.of(), plan.notes(), null, plan.problem()));
            return plan;
        }
        store.savePlan(new SavedPlan(req, plan, null, true));
        Map<Task, TaskKey> keys = keys(req.repo(), req.issueNumber(), plan.tasks());
        for (Task t : plan.tasks()) {
            TaskKey key = keys.get(t);
            TaskRecord rec = store.task(key).orElse(null);
            if (rec == null || rec.status() == TaskStatus.PLANNED) {
                store.saveTask(TaskRecord.queued(key, t.number(), t.title()).withStatus(TaskStatus.PLANNED));
            }
        }
        List<String> notes = new ArrayList<>(plan.notes());
        notes.add("Nothing runs yet: `/grove run` runs this plan, `/grove run 2,3` only those tasks.");
        tracking.settle(new RunView(req.repo(), req.issueNumber(), records(plan, keys), notes, null, null, Map.of(), null,
                plan));
        return plan;
    }

    /**
     * The plan {@code /grove run} runs: the saved one while the issue's body is what it was planned from, else a
     * fresh one (a note then says the saved one was outdated).
     */
    public Plan planFor(RunRequest req, List<String> notes, int maxTasks) {
        Optional<SavedPlan> saved = store.plan(req.repo(), req.issueNumber());
        if (saved.isPresent() && saved.get().madeFrom(req.issueBody())) {
            return saved.get().plan();
        }
        if (saved.isPresent()) {
            notes.add("The issue changed since the last plan, so Grove planned it again.");
        }
        return planIssue(req, new CachedRepo[1], maxTasks);
    }

    /** {@code /grove status}: the tracking comment drawn again from what the store knows; false if nothing is known. */
    public boolean showStatus(RunRequest req) {
        Optional<SavedPlan> saved = store.plan(req.repo(), req.issueNumber());
        if (saved.isEmpty()) {
            return false;
        }
        Plan plan = saved.get().plan();
        Map<Task, TaskKey> keys = keys(req.repo(), req.issueNumber(), plan.tasks());
        boolean going = plan.tasks().stream().map(t -> store.task(keys.get(t)))
                .anyMatch(r -> r.isPresent() && !r.get().status().finished() && r.get().status() != TaskStatus.PLANNED);
        List<TaskRecord> recs = plan.tasks().stream().map(t -> store.task(keys.get(t))
                .orElse(TaskRecord.queued(keys.get(t), t.number(), t.title()).withStatus(TaskStatus.PLANNED))).toList();
        // the last run's own figures, as kept with it; never recomputed from task times
        RunTotals totals = going ? null : Objects.requireNonNullElse(saved.get().lastRun(), RunTotals.NONE);
        boolean allPlanned = recs.stream().allMatch(r -> r.status() == TaskStatus.PLANNED);
        new TrackingComment(gateways.apply(req.installationId()), store, req.repo(), req.issueNumber(), comments)
                .settle(new RunView(req.repo(), req.issueNumber(), recs, plan.notes(), allPlanned ? null : totals, null,
                        Map.of(), null, plan));
        return true;
    }

    private void markWaiting(TaskKey key) {
        store.task(key).filter(r -> r.status() == TaskStatus.QUEUED)
                .ifPresent(r -> store.saveTask(r.withStatus(TaskStatus.WAITING)));
    }

    private GitCredentials credentials(long installationId) {
        return GitTokens.credentials(tokens, installationId);
    }

    private List<TaskRecord> records(Plan plan, Map<Task, TaskKey> keys) {
        return plan.tasks().stream().map(t -> store.task(keys.get(t)).orElseThrow()).toList();
    }

    private RunView view(RunRequest req, Plan plan, Map<Task, TaskKey> keys, RunTotals wall, String problem,
            Map<Integer, List<String>> outside, MergeCheck mergeCheck) {
        return new RunView(req.repo(), req.issueNumber(), records(plan, keys), plan.notes(), wall, problem,
                Map.copyOf(outside), mergeCheck, plan);
    }
}
