package dev.grove.pipeline;

import dev.grove.model.TaskKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tasks were asked to stop, and by whom: a queued task whose flag is set never starts, and a task whose agent
 * was stopped ({@link RunningAgents} kills its process tree) is reported as cancelled by that person.
 */
public final class Cancellations {
    private final Map<TaskKey, String> requested = new ConcurrentHashMap<>();

    /** Flags the task as stopped by {@code by}. */
    public void cancel(TaskKey key, String by) {
        requested.put(key, by);
    }

    /** Who cancelled the task, if someone did since it was last started. */
    public Optional<String> cancelledBy(TaskKey key) {
        return Optional.ofNullable(requested.get(key));
    }

    /** Clears a stale request: the task is starting again. */
    public void clear(TaskKey key) {
        requested.remove(key);
    }
}
