package dev.grove.pipeline;

import dev.grove.model.TaskKey;

/**
 * Hears a running task's latest progress line, throttled like the tracking comment (at most one call per task every
 * few seconds): the hook for a check run's in-progress summary. Must not throw.
 */
@FunctionalInterface
public interface TaskProgressListener {
    TaskProgressListener NONE = (key, line) -> { };

    void progress(TaskKey key, String line);
}
