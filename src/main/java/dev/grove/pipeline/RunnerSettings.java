package dev.grove.pipeline;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.worktree.WorkspacePaths;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The runner's limits and places: the data folder (cached clones, worktrees, task logs: see {@link WorkspacePaths}),
 * how many agents of one issue run at once, how long one may run, and the branch namespace Grove pushes to.
 */
public record RunnerSettings(Path dataDir, int maxParallel, Duration agentTimeout, String branchPrefix) {
    public static final String BRANCH_PREFIX = "grove/";

    public WorkspacePaths paths() {
        return new WorkspacePaths(dataDir);
    }

    public Path worktreesDir() {
        return paths().worktreesDir();
    }

    public Path tasksDir() {
        return paths().tasksDir();
    }

    public Path issueDir(RepoRef repo, int issue) {
        return paths().issueDir(repo, issue);
    }

    public Path taskDir(TaskKey key) {
        return paths().taskDir(key);
    }

    public Path cacheDir() {
        return paths().cacheDir();
    }

    /** The same, with the repository's config's limits and branch prefix. */
    public RunnerSettings with(int parallel, String prefix) {
        return new RunnerSettings(dataDir, parallel, agentTimeout, prefix);
    }
}
