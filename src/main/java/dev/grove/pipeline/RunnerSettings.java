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

    /** Where one issue's task logs and prompts live: {@code tasks/<owner>/<repo>/<issue>/}. */
    public Path issueDir(dev.grove.model.RepoRef repo, int issue) {
        return tasksDir().resolve(repo.owner()).resolve(repo.name()).resolve(String.valueOf(issue));
    }

    /** Where one task's logs and prompts live ({@code agent.log}, {@code events.log}, {@code prompt.md}, …). */
    public Path taskDir(dev.grove.model.TaskKey key) {
        return issueDir(key.repo(), key.issue()).resolve(key.task());
    }

    public Path cacheDir() {
        return dataDir.resolve("cache");
    }
}
