package dev.grove.pipeline;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The runner's limits and places: the data folder (cached clones, worktrees, task logs), how many agents of one
 * issue run at once, how long one may run, and the branch namespace Grove pushes to.
 */
public record RunnerSettings(Path dataDir, int maxParallel, Duration agentTimeout, String branchPrefix) {
    public static final String BRANCH_PREFIX = "grove/";

    public Path worktreesDir() {
        return dataDir.resolve("worktrees");
    }

    public Path tasksDir() {
        return dataDir.resolve("tasks");
    }

    public Path cacheDir() {
        return dataDir.resolve("cache");
    }
}
