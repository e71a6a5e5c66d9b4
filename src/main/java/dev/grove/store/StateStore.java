package dev.grove.store;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Grove's state, behind one small interface so it can move into a database shared by several runners.
 * The embedded default is {@link FileStateStore}. Every method is safe to call from several threads.
 */
public interface StateStore {

    /** Records a webhook delivery id; false when that delivery was recorded before (a redelivery). */
    boolean recordDelivery(String deliveryId);

    /** Claims the issue for a run; false when a run of that issue is still going. */
    boolean tryStartRun(RepoRef repo, int issue);

    void finishRun(RepoRef repo, int issue);

    Optional<Long> trackingComment(RepoRef repo, int issue);

    void saveTrackingComment(RepoRef repo, int issue, long commentId);

    Optional<TaskRecord> task(TaskKey key);

    void saveTask(TaskRecord task);

    /** The issue's tasks, in plan order. */
    List<TaskRecord> tasks(RepoRef repo, int issue);

    /** The issue's last plan, with the request it was made for (title and body as they were then). */
    Optional<SavedPlan> plan(RepoRef repo, int issue);

    void savePlan(SavedPlan plan);

    /** Every task Grove knows, the most recently saved first (at most {@code limit}), for the dashboard. */
    List<TaskRecord> recentTasks(int limit);

    /** The task whose pull request this is, if Grove opened it. */
    default Optional<TaskRecord> taskByPullRequest(RepoRef repo, int pullNumber) {
        return Optional.empty();
    }

    /** The id of the task's latest check run. */
    Optional<Long> checkRun(TaskKey key);

    void saveCheckRun(TaskKey key, long checkRunId);

    /**
     * Claims the CI fix of {@code key} for a failure of {@code check} on {@code headSha}: the claim's number among the
     * task's claims (1 for the first head, 2 for the next...), or 0 when that head of the task was claimed before (a
     * redelivery, or another failing check on the same head). Atomic: of two concurrent claims of one head, one wins.
     */
    int claimCiFix(TaskKey key, String headSha, String check);

    /**
     * Claims the one reply {@code user} gets on the issue to a refusal within {@code interval}: true, and the reply
     * recorded at {@code now}, when none was recorded after {@code now - interval}; false when one was, by this process
     * or any other (user names compared without case). Two callers at once: exactly one gets true.
     */
    boolean claimRefusalReply(RepoRef repo, int issue, String user, Instant now, Duration interval);

    /** Whether the issue's {@code step} (a checklist item ticked, the summary posted, ...) was recorded done. */
    boolean issueStepDone(RepoRef repo, int issue, String step);

    /** Records the issue's {@code step} done; recording it again changes nothing. */
    void markIssueStepDone(RepoRef repo, int issue, String step);
}
