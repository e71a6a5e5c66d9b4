package dev.grove.store;

import dev.grove.github.RepoRef;
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
}
