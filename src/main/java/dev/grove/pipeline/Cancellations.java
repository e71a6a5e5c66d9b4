package dev.grove.pipeline;

import dev.grove.store.TaskKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tasks were asked to stop, and by whom. A task is stopped between steps when its flag is set; while its agent
 * runs, the thread running it is interrupted, and the agent runner kills the agent's process group.
 */
public final class Cancellations {
    private final Map<TaskKey, String> requested = new ConcurrentHashMap<>();
    private final Map<TaskKey, Thread> agentThreads = new ConcurrentHashMap<>();

    /** Asks the task to stop; true when its agent was running and has been interrupted. */
    public boolean cancel(TaskKey key, String by) {
        requested.put(key, by);
        Thread t = agentThreads.get(key);
        if (t != null) {
            t.interrupt();
            return true;
        }
        return false;
    }

    /** Who cancelled the task, if someone did since it was last started. */
    public Optional<String> cancelledBy(TaskKey key) {
        return Optional.ofNullable(requested.get(key));
    }

    /** Clears a stale request: the task is starting again. */
    void clear(TaskKey key) {
        requested.remove(key);
    }

    /** Runs the agent step, interruptible by {@link #cancel}; the interrupt flag is cleared afterwards. */
    <T> T whileAgentRuns(TaskKey key, java.util.function.Supplier<T> step) {
        agentThreads.put(key, Thread.currentThread());
        try {
            if (requested.containsKey(key)) {
                Thread.currentThread().interrupt();
            }
            return step.get();
        } finally {
            agentThreads.remove(key);
            Thread.interrupted();
        }
    }
}
