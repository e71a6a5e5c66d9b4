package dev.grove.git;

import java.nio.file.Path;

/** A linked worktree of a cached clone, on its own task branch, made from {@code baseSha}. */
public record Worktree(CachedRepo repo, Path dir, String branch, String baseSha) {
}
