package dev.grove.model;

/** The size of a worktree's change against its base: files touched, lines added and removed. */
public record DiffStat(int files, int insertions, int deletions) {
}
