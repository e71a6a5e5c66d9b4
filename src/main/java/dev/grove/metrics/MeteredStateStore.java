package dev.grove.metrics;

import dev.grove.model.RepoRef;
import dev.grove.store.SavedPlan;
import dev.grove.store.StateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.ThreadComment;
import java.util.Collection;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@link StateStore} that counts every task reaching an end state, as it is saved: the store is where every step
 * records where a task stands, so no pipeline code needs to know about metrics.
 */
public final class MeteredStateStore implements StateStore {
    private final StateStore store;
    private final GroveMetrics metrics;

    public MeteredStateStore(StateStore store, GroveMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public void saveTask(TaskRecord task) {
        TaskStatus before = store.task(task.key()).map(TaskRecord::status).orElse(null);
        store.saveTask(task);
        counted(before, task);
    }

    @Override
    public boolean saveTaskIf(TaskRecord task, TaskStatus expected) {
        if (!store.saveTaskIf(task, expected)) return false;
        counted(expected, task);
        return true;
    }

    /** {@code before}: the task's status before this save, null when it is new. */
    private void counted(TaskStatus before, TaskRecord task) {
        boolean wasFinished = before != null && before.finished();
        if (task.key().inPlan() && task.status().finished() && before != task.status()) { // attempts and the planner are no tasks
            // merged/closed come after pr_opened: counted, but the task's duration is recorded once
            metrics.taskFinished(task.status().name().toLowerCase(Locale.ROOT), wasFinished ? null : task.elapsed());
        }
    }

    @Override
    public boolean recordDelivery(String deliveryId) {
        return store.recordDelivery(deliveryId);
    }

    @Override
    public boolean tryStartRun(RepoRef repo, int issue) {
        return store.tryStartRun(repo, issue);
    }

    @Override
    public void finishRun(RepoRef repo, int issue) {
        store.finishRun(repo, issue);
    }

    @Override
    public Optional<Long> trackingComment(RepoRef repo, int issue) {
        return store.trackingComment(repo, issue);
    }

    @Override
    public void saveTrackingComment(RepoRef repo, int issue, long commentId) {
        store.saveTrackingComment(repo, issue, commentId);
    }

    @Override
    public Optional<TaskRecord> task(TaskKey key) {
        return store.task(key);
    }

    @Override
    public List<TaskRecord> tasks(RepoRef repo, int issue) {
        return store.tasks(repo, issue);
    }

    @Override
    public List<TaskRecord> recentTasks(int limit) {
        return store.recentTasks(limit);
    }

    @Override
    public Optional<SavedPlan> plan(RepoRef repo, int issue) {
        return store.plan(repo, issue);
    }

    @Override
    public void savePlan(SavedPlan plan) {
        store.savePlan(plan);
    }

    @Override
    public Optional<TaskRecord> taskByPullRequest(RepoRef repo, int pullNumber) {
        return store.taskByPullRequest(repo, pullNumber);
    }

    @Override
    public Optional<Long> checkRun(TaskKey key) {
        return store.checkRun(key);
    }

    @Override
    public void saveCheckRun(TaskKey key, long checkRunId) {
        store.saveCheckRun(key, checkRunId);
    }

    @Override
    public int claimCiFix(TaskKey key, String headSha, String check) {
        return store.claimCiFix(key, headSha, check);
    }

    @Override
    public java.util.OptionalInt unfinishedCiFix(TaskKey key, String headSha) {
        return store.unfinishedCiFix(key, headSha);
    }

    @Override
    public int pruneStale(java.time.Instant now, java.time.Duration refusalInterval, java.time.Duration retention) {
        return store.pruneStale(now, refusalInterval, retention);
    }

    @Override
    public void finishCiFix(TaskKey key, String headSha) {
        store.finishCiFix(key, headSha);
    }

    @Override
    public boolean claimRefusalReply(RepoRef repo, int issue, String user, java.time.Instant now,
            java.time.Duration interval) {
        return store.claimRefusalReply(repo, issue, user, now, interval);
    }

    @Override
    public boolean issueStepDone(RepoRef repo, int issue, String step) {
        return store.issueStepDone(repo, issue, step);
    }

    @Override
    public void markIssueStepDone(RepoRef repo, int issue, String step) {
        store.markIssueStepDone(repo, issue, step);
    }

    @Override
    public boolean addThreadComment(RepoRef repo, int pullNumber, ThreadComment comment) {
        return store.addThreadComment(repo, pullNumber, comment);
    }

    @Override
    public List<ThreadComment> threadComments(RepoRef repo, int pullNumber, ThreadComment.State state) {
        return store.threadComments(repo, pullNumber, state);
    }

    @Override
    public Set<Long> claimThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids) {
        return store.claimThreadComments(repo, pullNumber, ids);
    }

    @Override
    public void markThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids, ThreadComment.State state,
            String sha) {
        store.markThreadComments(repo, pullNumber, ids, state, sha);
    }
}
