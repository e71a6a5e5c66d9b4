package dev.grove.worktree;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import java.nio.file.Path;

/**
 * The one place that knows where things live under the data folder: cached clones ({@code cache/}), worktrees
 * ({@code worktrees/<owner>/<repo>/<branch>}), and each task's logs and prompts ({@code tasks/<owner>/<repo>/<issue>/<task>}).
 */
public record WorkspacePaths(Path dataDir) {

    public Path worktreesDir() {
        return dataDir.resolve("worktrees");
    }

    public Path tasksDir() {
        return dataDir.resolve("tasks");
    }

    public Path cacheDir() {
        return dataDir.resolve("cache");
    }

    /** Where a branch's worktree lives. */
    public Path worktreeDir(RepoRef repo, String branch) {
        return worktreesDir().resolve(repo.owner()).resolve(repo.name()).resolve(branch.replace('/', '_'));
    }

    /** Where one issue's task logs and prompts live: {@code tasks/<owner>/<repo>/<issue>/}. */
    public Path issueDir(RepoRef repo, int issue) {
        return tasksDir().resolve(repo.owner()).resolve(repo.name()).resolve(String.valueOf(issue));
    }

    /** Where one task's logs and prompts live ({@code agent.log}, {@code events.log}, {@code prompt.md}, …). */
    public Path taskDir(TaskKey key) {
        return issueDir(key.repo(), key.issue()).resolve(key.task());
    }
}
