package dev.grove.pipeline;

import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.github.GitHubGateway;
import dev.grove.model.MergeCheck;
import dev.grove.model.RunRequest;
import dev.grove.model.RunTotals;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Plan;
import dev.grove.plan.Stacking;
import dev.grove.plan.Task;
import dev.grove.publish.CommentPacer;
import dev.grove.publish.TrackingComment;
import dev.grove.report.Messages;
import dev.grove.report.RunView;
import dev.grove.store.SavedPlan;
import dev.grove.queue.LogContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issue's run: plan, then run the tasks wave by wave, at most {@code maxParallel} agents at
 * once, each through {@link TaskPipeline}, while the tracking comment follows. Keyed by (repository, issue, task):
 * a task that already has its PR is kept, one that pushed resumes at its PR, so a second trigger or a restart never
 * opens a second PR or pushes a second copy.
 */
public final class IssueRunner {
    private static final Logger log = LoggerFactory.getLogger(IssueRunner.class);

    private final PipelineSteps steps;
    private final RunnerSettings settings;
    private final ExecutorService taskPool;
    private final TaskProgressListener progressListener;
    private final IssuePlans plans;
    private final MergeChecks merges;
    private final RunPreparation preparation;

    /** @param progressListener hears each running task's latest progress line, throttled (check runs) */
    public IssueRunner(PipelineSteps steps, RunnerSettings settings, ExecutorService taskPool,
            TaskProgressListener progressListener) {
        this.steps = steps;
        this.settings = settings;
        this.taskPool = taskPool;
        this.progressListener = progressListener;
        this.plans = new IssuePlans(steps, settings);
        this.merges = new MergeChecks(steps);
        this.preparation = new RunPreparation(steps);
    }

    /** Paces tracking-comment edits with {@code pacer} (at most one per issue per its interval); returns this runner. */
    public IssueRunner pacingComments(CommentPacer pacer) {
        plans.pacingComments(pacer);
        return this;
    }

    /** The agents running now, to cancel them ({@code /grove cancel}). */
    public RunningAgents runningAgents() {
        return steps.agents().running();
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

    /** Runs the issue with the default config (the offline demo); returns null when a run is still going. */
    public Result run(RunRequest req) {
        return run(req, RunOptions.all(RepoConfig.defaults("grove", settings.maxParallel())));
    }

    /**
     * Runs the issue's tasks as the options say (the tasks named, the plan given, the repository's config); returns
     * null when nothing ran (a run of the issue is still going). Who may run it was decided before.
     */
    public Result run(RunRequest req, RunOptions opts) {
        return run(req, opts, true);
    }

    private Result run(RunRequest req, RunOptions opts, boolean sayIfBusy) {
        GitHubGateway github = steps.gateways().apply(req.installationId());
        if (!steps.store().tryStartRun(req.repo(), req.issueNumber())) {
            if (sayIfBusy) comment(github, req, Messages.runStillGoing(req.issueNumber()));
            return null;
        }
        Result result;
        try {
            result = runClaimed(req, github, opts);
        } finally {
            steps.store().finishRun(req.repo(), req.issueNumber());
        }
        // a predecessor that merged while this run held the issue could not start the tasks waiting for it: now
        startHeld(req, opts.config(), true);
        return result;
    }

    /**
     * Runs the tasks waiting for merges that {@link HeldTasks#toStart} picks, from the saved plan; each decides again
     * where it starts ({@link StackStart}), or is held again. After a task PR merged, and as each run ends (a merge
     * during a run cannot start them). Null when nothing ran; silent when a run is going (it does this as it ends).
     */
    public Result startHeld(RunRequest req, RepoConfig config, boolean onlyIfOneIsReady) {
        Optional<SavedPlan> saved = steps.store().plan(req.repo(), req.issueNumber());
        if (saved.isEmpty()) return null;
        Set<Integer> held = HeldTasks.toStart(steps.store().tasks(req.repo(), req.issueNumber()), saved.get().plan(),
                cancellations(), onlyIfOneIsReady);
        if (held.isEmpty()) return null;
        log.info("{}#{}: tasks {} wait for merges; they start now if theirs are in", req.repo(), req.issueNumber(), held);
        return run(req, new RunOptions(config, held, saved.get().plan()), false);
    }

    private Result runClaimed(RunRequest req, GitHubGateway github, RunOptions opts) {
        Instant started = steps.clock().instant();
        TrackingComment tracking = plans.tracking(github, req);
        CachedRepo[] synced = new CachedRepo[1];
        Plan plan = opts.plan() != null ? opts.plan() : plans.planIssue(req, opts.config(), synced);
        if (plan.problem() != null) {
            Duration wall = Duration.between(started, steps.clock().instant());
            tracking.settle(new RunView(req.repo(), req.issueNumber(), List.of(), plan.notes(), new RunTotals(wall, null),
                    plan.problem()));
            return new Result(plan, List.of(), wall);
        }
        Map<Task, TaskKey> keys = IssuePlans.keys(req.repo(), req.issueNumber(), plan.tasks());
        Map<Integer, List<String>> outside = new ConcurrentHashMap<>();
        Runnable refresh = () -> tracking.show(plans.view(req, plan, keys, null, null, outside, null));
        steps.store().savePlan(new SavedPlan(req, plan));
        Set<Task> selected = new HashSet<>();
        for (Task t : plan.tasks()) {
            if (opts.only().isEmpty() || opts.only().contains(t.number())) selected.add(t);
        }
        RunPreparation.Prepared prepared = preparation.prepare(plan, keys, selected);
        refresh.run();
        if (plan.tasks().isEmpty()) {
            Duration wall = Duration.between(started, steps.clock().instant());
            tracking.settle(plans.view(req, plan, keys, new RunTotals(wall, null), null, outside, null));
            return new Result(plan, List.of(), wall);
        }
        String problem = null;
        MergeCheck mergeCheck = null;
        RunnerSettings runSettings = settings.with(opts.config().maxParallel(), opts.config().branchPrefix());
        String base = opts.config().baseOr(req.defaultBranch());
        try {
            CachedRepo clone = synced[0] != null ? synced[0]
                    : steps.workspaces().sync(req.repo(), req.cloneUrl(), req.installationId());
            String baseSha = steps.git().remoteBranchHead(clone, base);
            preparation.settle(prepared, clone, baseSha, keys);
            preparation.assignBranches(req.issueNumber(), plan, keys, clone, runSettings.branchPrefix(), selected);
            TaskPipeline pipeline = new TaskPipeline(steps, new TaskPipeline.TaskRun(req, opts.config(), base, clone,
                    baseSha, runSettings, refresh, outside::put, progressListener, ProgressThrottle.DEFAULT_INTERVAL));
            Map<Integer, List<Integer>> predecessors = Stacking.predecessors(plan);
            Map<Integer, TaskKey> keyOf = StackStart.byNumber(keys);
            runWaves(req, plan, keys, selected, pipeline, runSettings.maxParallel(), refresh, t -> {
                try {
                    return StackStart.decide(steps, req, base, clone, baseSha,
                            predecessors.getOrDefault(t.number(), List.of()), keyOf);
                } catch (RuntimeException e) {
                    log.warn("{}#{}: where task {} starts could not be decided ({}); it starts from the base",
                            req.repo(), req.issueNumber(), t.number(), e.getMessage());
                    return new StackStart.Base(baseSha);
                }
            });
            mergeCheck = merges.check(clone, baseSha, plans.records(plan, keys));
            merges.reportConflicts(github, req.repo(), plans.records(plan, keys), mergeCheck);
        } catch (RuntimeException e) {
            log.error("run of {}#{} stopped", req.repo(), req.issueNumber(), e);
            problem = "The run stopped: " + e.getMessage();
            for (TaskKey key : keys.values()) {
                steps.store().task(key).filter(r -> !r.status().finished() && r.status() != TaskStatus.PUSHED)
                        .ifPresent(r -> steps.store().saveTask(r.withStatus(TaskStatus.FAILED)
                                .withMessage("not run: the run stopped")));
            }
        }
        Duration wall = Duration.between(started, steps.clock().instant());
        RunTotals totals = new RunTotals(wall, plans.records(plan, keys).stream()
                .filter(r -> prepared.runNow().contains(r.key())).map(TaskRecord::elapsed).filter(d -> d != null)
                .reduce(Duration.ZERO, Duration::plus));
        steps.store().savePlan(new SavedPlan(req, plan, totals));
        tracking.settle(plans.view(req, plan, keys, totals, problem, outside, mergeCheck));
        return new Result(plan, plans.records(plan, keys), wall, mergeCheck, totals);
    }

    /** The selected tasks, wave by wave, at most {@code maxParallel} agents at once. */
    private void runWaves(RunRequest req, Plan plan, Map<Task, TaskKey> keys, Set<Task> selected, TaskPipeline pipeline,
            int maxParallel, Runnable refresh, java.util.function.Function<Task, StackStart> startOf) {
        Semaphore slots = new Semaphore(Math.max(1, maxParallel));
        List<List<Task>> waves = plan.waves().stream()
                .map(w -> w.stream().filter(selected::contains).toList()).filter(w -> !w.isEmpty()).toList();
        for (int w = 0; w < waves.size(); w++) {
            for (int later = w + 1; later < waves.size(); later++) {
                for (Task t : waves.get(later)) markWaiting(keys.get(t));
            }
            refresh.run();
            List<Future<?>> running = new ArrayList<>();
            for (Task t : waves.get(w)) {
                StackStart start = startOf.apply(t);
                running.add(taskPool.submit(LogContext.carry(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        pipeline.run(t, keys.get(t), start);
                    } finally {
                        slots.release();
                    }
                }, LogContext.TASK, keys.get(t).task())));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (Exception e) {
                    log.error("a task of {}#{} failed unexpectedly", req.repo(), req.issueNumber(), e);
                }
            }
        }
    }

    /** The stop flags of this runner's tasks. */
    public Cancellations cancellations() {
        return steps.agents().cancellations();
    }

    /** The agent names this runner offers (a repository's {@code agent:} picks one). */
    public Set<String> agentNames() {
        return steps.agents().catalog().names();
    }

    /**
     * Stops a task, a {@code /grove try} attempt or the planner: a queued one never starts, a running agent is killed
     * with its process tree (it then ends failed, "cancelled by @user", worktree and branch kept). True when an agent
     * was running.
     */
    public boolean cancel(TaskKey key, String by) {
        cancelBroadcast.accept(key, by);
        return steps.agents().cancel(key, by);
    }

    private volatile BiConsumer<TaskKey, String> cancelBroadcast = (k, by) -> { };

    /** Where a cancel is also sent, so that another process running the task stops it (the shared database). */
    public void broadcastCancels(BiConsumer<TaskKey, String> broadcast) {
        this.cancelBroadcast = broadcast;
    }

    /** {@code /grove plan}: see {@link IssuePlans#plan}. */
    public Plan plan(RunRequest req, RepoConfig config) {
        return plans.plan(req, config);
    }

    /** The plan {@code /grove run} runs: see {@link IssuePlans#planFor}. */
    public Plan planFor(RunRequest req, List<String> notes, RepoConfig config) {
        return plans.planFor(req, notes, config);
    }

    /** {@code /grove status}: see {@link IssuePlans#showStatus}. */
    public boolean showStatus(RunRequest req) {
        return plans.showStatus(req);
    }

    private void markWaiting(TaskKey key) {
        steps.store().task(key).filter(r -> r.status() == TaskStatus.QUEUED)
                .ifPresent(r -> steps.store().saveTask(r.withStatus(TaskStatus.WAITING)));
    }

    private static void comment(GitHubGateway github, RunRequest req, String text) {
        try {
            github.commentOnIssue(req.repo(), req.issueNumber(), text);
        } catch (IOException | RuntimeException e) {
            log.warn("could not comment on {}#{}: {}", req.repo(), req.issueNumber(), e.getMessage());
        }
    }
}
