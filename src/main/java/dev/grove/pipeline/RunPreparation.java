package dev.grove.pipeline;

import dev.grove.git.CachedRepo;
import dev.grove.model.AgentRun;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.BranchNamer;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a run's tasks start: every task gets a record, the selected ones are queued again (what they spent still
 * counts), failed or stopped tasks are settled against origin (their leftovers removed, their branch name kept), and
 * every task that will run gets its branch name.
 */
final class RunPreparation {
    private static final Logger log = LoggerFactory.getLogger(RunPreparation.class);
    /** Where a task is while its run goes on: found at the start of a run, its earlier run was stopped. */
    private static final Set<TaskStatus> INTERRUPTED = Set.of(TaskStatus.QUEUED, TaskStatus.WAITING, TaskStatus.RUNNING);
    private final PipelineSteps steps;

    RunPreparation(PipelineSteps steps) {
        this.steps = steps;
    }

    /** What a run must settle before its tasks start: failed tasks and runs or pushes cut off midway. */
    record Prepared(List<Task> interruptedPushes, Set<TaskKey> runNow) {
    }

    /** Every task gets a record; the selected ones are queued again unless they have their PR (or pushed). */
    Prepared prepare(Plan plan, Map<Task, TaskKey> keys, Set<Task> selected) {
        List<Task> interruptedPushes = new ArrayList<>();
        Set<TaskKey> runNow = new HashSet<>(); // the tasks this run starts afresh: only their times make its figures
        for (Task t : plan.tasks()) {
            TaskKey key = keys.get(t);
            TaskRecord rec = steps.store().task(key).orElse(null);
            if (!selected.contains(t)) {
                if (rec == null) {
                    steps.store().saveTask(TaskRecord.queued(key, t.number(), t.title()).withStatus(TaskStatus.PLANNED));
                }
                continue;
            }
            steps.agents().cancellations().clear(key);
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
            if (rec != null && rec.status() == TaskStatus.FAILED && rec.branch() != null) {
                // a failed task runs again on the branch name it had: settled against origin like a stopped one, so
                // a retry (a command, a job's next attempt, a revived job) never makes a second branch for one task
                interruptedPushes.add(t);
                runNow.add(key);
                continue;
            }
            if (rec == null || !(rec.status().hasPullRequest() || rec.status() == TaskStatus.PUSHED)) {
                // what earlier runs of the task spent still counts against the issue's budget
                runNow.add(key);
                steps.store().saveTask(TaskRecord.queued(key, t.number(), t.title()).withAgentRun(rec == null ? null
                        : rec.agentRun() == null ? null : AgentRun.start(rec.agentRun().agent(), null, rec.agentRun())));
            }
        }
        return new Prepared(interruptedPushes, runNow);
    }

    /** Settles the failed and interrupted tasks against origin, once origin is fetched. */
    void settle(Prepared prepared, CachedRepo clone, String baseSha, Map<Task, TaskKey> keys) {
        prepared.interruptedPushes().forEach(t -> settleInterrupted(clone, keys.get(t), baseSha));
    }

    /**
     * A task that failed, or was left going by a process that stopped ({@code PUSHING}, or before: {@code RUNNING},
     * {@code QUEUED}, {@code WAITING}): origin is the truth. If origin holds the branch, the push landed and the task resumes at its
     * pull request, without running its agent or pushing again. If not, its worktree and local branch (whatever they
     * hold) are removed, and it runs again from the base on the same branch name: never a second branch for one task.
     */
    private void settleInterrupted(CachedRepo clone, TaskKey key, String baseSha) {
        TaskRecord rec = steps.store().task(key).orElseThrow();
        String onOrigin = null;
        try {
            onOrigin = steps.git().remoteBranchHead(clone, rec.branch());
        } catch (RuntimeException e) {
            log.info("{}: origin has no {}; the task's earlier run did not push", key, rec.branch());
        }
        if (onOrigin != null) {
            steps.store().saveTask(rec.withStatus(TaskStatus.PUSHED).withHeadSha(onOrigin)
                    .withMessage("resumed: origin already held the branch"));
            return;
        }
        removeLeftover(clone, rec.branch(), baseSha);
        try {
            steps.git().discardLocalBranch(clone, rec.branch());
        } catch (RuntimeException e) {
            log.warn("{}: could not discard the local branch {}: {}", key, rec.branch(), e.getMessage());
        }
        steps.store().saveTask(TaskRecord.queued(key, rec.number(), rec.title()).withBranch(rec.branch()).withAgentRun(
                rec.agentRun() == null ? null : AgentRun.start(rec.agentRun().agent(), null, rec.agentRun())));
    }

    /**
     * Names every task's branch before any task starts, so tasks starting at once never pick the same name. A task
     * that pushed, or whose stopped run is resumed, keeps its branch; every other one gets a name no branch in the
     * clone or on origin has.
     */
    void assignBranches(int issue, Plan plan, Map<Task, TaskKey> keys, CachedRepo clone, String branchPrefix,
            Set<Task> selected) {
        Set<String> taken = new HashSet<>(steps.git().branchNames(clone));
        for (Task t : plan.tasks()) {
            TaskRecord rec = steps.store().task(keys.get(t)).orElseThrow();
            if (!selected.contains(t) || rec.branch() != null) {
                continue; // a task that pushed, or one resumed after a stop, keeps its branch name
            }
            String branch = BranchNamer.branchName(branchPrefix, issue, t.title(), taken);
            taken.add(branch);
            steps.store().saveTask(rec.withBranch(branch));
        }
    }

    /**
     * Before a failed task runs again: its worktree is removed, and its local branch too when nothing on it is
     * missing from origin, so the retry starts fresh from the base under the same branch name.
     */
    private void removeLeftover(CachedRepo clone, String branch, String baseSha) {
        try {
            steps.workspaces().release(clone, branch, baseSha, true);
        } catch (RuntimeException e) {
            log.warn("could not remove the leftovers of {}: {}", branch, e.getMessage());
        }
    }
}
