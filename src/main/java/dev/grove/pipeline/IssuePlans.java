package dev.grove.pipeline;

import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.github.GitHubGateway;
import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.model.RunTotals;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.BranchNamer;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.publish.CommentPacer;
import dev.grove.publish.TrackingComment;
import dev.grove.report.RunView;
import dev.grove.store.SavedPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issue's plan and what the tracking comment shows of it: planning ({@code /grove plan}), the plan a run runs, and
 * {@code /grove status}. Tasks are keyed by (repository, issue, slug).
 */
public final class IssuePlans {
    private static final Logger log = LoggerFactory.getLogger(IssuePlans.class);
    private final PipelineSteps steps;
    private final PlanSource source;
    private volatile CommentPacer comments;

    public IssuePlans(PipelineSteps steps, RunnerSettings settings) {
        this.steps = steps;
        this.source = new PlanSource(steps, settings);
        this.comments = CommentPacer.withTimer(steps.clock(), CommentPacer.DEFAULT_INTERVAL);
    }

    /** Paces tracking-comment edits with {@code pacer} (at most one per issue per its interval). */
    void pacingComments(CommentPacer pacer) {
        this.comments = pacer;
    }

    /** The issue's tracking comment, its edits paced per issue. */
    TrackingComment tracking(GitHubGateway github, RunRequest req) {
        return new TrackingComment(github, steps.store(), req.repo(), req.issueNumber(), comments);
    }

    /**
     * The issue's plan: written in the issue (checklist or {@code grove} block), else from the planner agent, which
     * needs the clone ({@code synced[0]} is set to it then). A planning failure is a plan with a problem.
     */
    Plan planIssue(RunRequest req, RepoConfig config, CachedRepo[] synced) {
        try {
            Optional<Plan> written = source.fromIssueText(req.issueTitle(), req.issueBody(), config.maxTasks());
            if (written.isPresent()) {
                return written.get();
            }
            synced[0] = steps.workspaces().sync(req.repo(), req.cloneUrl(), req.installationId());
            return source.plan(req, config, synced[0], steps.git().remoteBranchHead(synced[0], req.defaultBranch()));
        } catch (RuntimeException e) {
            log.error("planning {}#{} failed", req.repo(), req.issueNumber(), e);
            return new Plan(List.of(), List.of(), List.of(), null, "The run stopped while planning: " + e.getMessage());
        }
    }

    /**
     * {@code /grove plan}: plans the issue, keeps the plan, and shows it in the tracking comment; nothing runs.
     * Tasks that already ran keep their records. A planner agent proposes at most the config's {@code max_tasks}.
     */
    public Plan plan(RunRequest req, RepoConfig config) {
        GitHubGateway github = steps.gateways().apply(req.installationId());
        Plan plan = planIssue(req, config, new CachedRepo[1]);
        TrackingComment tracking = tracking(github, req);
        if (plan.problem() != null) {
            tracking.settle(new RunView(req.repo(), req.issueNumber(), List.of(), plan.notes(), null, plan.problem()));
            return plan;
        }
        steps.store().savePlan(new SavedPlan(req, plan, null, true));
        Map<Task, TaskKey> keys = keys(req.repo(), req.issueNumber(), plan.tasks());
        for (Task t : plan.tasks()) {
            TaskKey key = keys.get(t);
            TaskRecord rec = steps.store().task(key).orElse(null);
            if (rec == null || rec.status() == TaskStatus.PLANNED) {
                steps.store().saveTask(TaskRecord.queued(key, t.number(), t.title()).withStatus(TaskStatus.PLANNED));
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
    public Plan planFor(RunRequest req, List<String> notes, RepoConfig config) {
        Optional<SavedPlan> saved = steps.store().plan(req.repo(), req.issueNumber());
        if (saved.isPresent() && saved.get().madeFrom(req.issueBody())) {
            return saved.get().plan();
        }
        if (saved.isPresent()) {
            notes.add("The issue changed since the last plan, so Grove planned it again.");
        }
        return planIssue(req, config, new CachedRepo[1]);
    }

    /** {@code /grove status}: the tracking comment drawn again from what the store knows; false if nothing is known. */
    public boolean showStatus(RunRequest req) {
        Optional<SavedPlan> saved = steps.store().plan(req.repo(), req.issueNumber());
        if (saved.isEmpty()) {
            return false;
        }
        Plan plan = saved.get().plan();
        Map<Task, TaskKey> keys = keys(req.repo(), req.issueNumber(), plan.tasks());
        List<TaskRecord> recs = plan.tasks().stream().map(t -> steps.store().task(keys.get(t))
                .orElse(TaskRecord.queued(keys.get(t), t.number(), t.title()).withStatus(TaskStatus.PLANNED))).toList();
        boolean going = recs.stream().anyMatch(r -> !r.status().finished() && r.status() != TaskStatus.PLANNED);
        // the last run's own figures, as kept with it; never recomputed from task times
        RunTotals totals = going ? null : Objects.requireNonNullElse(saved.get().lastRun(), RunTotals.NONE);
        boolean allPlanned = recs.stream().allMatch(r -> r.status() == TaskStatus.PLANNED);
        tracking(steps.gateways().apply(req.installationId()), req)
                .settle(new RunView(req.repo(), req.issueNumber(), recs, plan.notes(), allPlanned ? null : totals, null,
                        Map.of(), null, plan));
        return true;
    }

    /** One key per task; two tasks whose titles give the same slug are told apart by their number. */
    static Map<Task, TaskKey> keys(RepoRef repo, int issue, List<Task> tasks) {
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

    List<TaskRecord> records(Plan plan, Map<Task, TaskKey> keys) {
        return plan.tasks().stream().map(t -> steps.store().task(keys.get(t)).orElseThrow()).toList();
    }

    RunView view(RunRequest req, Plan plan, Map<Task, TaskKey> keys, RunTotals wall, String problem,
            Map<Integer, List<String>> outside, MergeCheck mergeCheck) {
        return new RunView(req.repo(), req.issueNumber(), records(plan, keys), plan.notes(), wall, problem,
                Map.copyOf(outside), mergeCheck, plan);
    }
}
