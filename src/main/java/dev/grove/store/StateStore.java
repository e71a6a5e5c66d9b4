package dev.grove.store;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import dev.grove.model.ThreadComment;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Saves {@code task} only while the stored record of its key is still {@code expected}: false, and nothing saved,
     * when another thread or process changed its status meanwhile (a PR brought up to date by one clean-up, and
     * recorded merged by another, stays merged). Atomic against every other save of the task.
     */
    boolean saveTaskIf(TaskRecord task, TaskStatus expected);

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
     * The number of the CI fix claimed on {@code headSha} of {@code key} that was never finished ({@link #finishCiFix}):
     * the process acting on it stopped mid-revise, so a retry of its job may continue it. Empty when that head was not
     * claimed, or its fix finished.
     */
    java.util.OptionalInt unfinishedCiFix(TaskKey key, String headSha);

    /**
     * Forgets what no longer counts: refusal replies made before {@code now - refusalInterval} (they no longer hold a
     * reply back), and review comments of pull requests whose task is merged or closed, or (once taken by a revise)
     * received before {@code now - retention}. Returns how many rows went.
     */
    int pruneStale(java.time.Instant now, java.time.Duration refusalInterval, java.time.Duration retention);

    /** Marks the CI fix claimed on {@code headSha} of {@code key} finished: its revise ran (pushed or not). */
    void finishCiFix(TaskKey key, String headSha);

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

    // ---- review comments on the diff of Grove pull requests (one row per GitHub comment id) ------------------------

    /**
     * Records a review comment of the pull request as {@link ThreadComment.State#PENDING} (its given state and sha are
     * ignored); false when a comment with that id is known already (a redelivery, or one its review took).
     */
    boolean addThreadComment(RepoRef repo, int pullNumber, ThreadComment comment);

    /** The pull request's review comments in {@code state}, oldest (lowest id) first. */
    List<ThreadComment> threadComments(RepoRef repo, int pullNumber, ThreadComment.State state);

    /**
     * For the revise of a submitted review: which of its comments ({@code ids}) it handles. A comment unknown or still
     * pending becomes {@link ThreadComment.State#REVIEW} (no batch takes it then); one a batch has taken already
     * (addressed, replied, unchanged) is left out.
     */
    Set<Long> claimThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids);

    /** Moves these comments of the pull request to {@code state}, with the commit that addressed them (or null). */
    void markThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids, ThreadComment.State state, String sha);
}
