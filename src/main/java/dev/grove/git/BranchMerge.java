package dev.grove.git;

import java.util.List;

/**
 * What merging a commit into a branch gave: the branch's new head and whether it moved (it stays when it held the
 * commit already), or the files that conflict (then no ref moved and {@code head} is the old head).
 */
public record BranchMerge(String head, boolean changed, List<String> conflicts) {
    public BranchMerge {
        conflicts = List.copyOf(conflicts);
    }

    public boolean clean() {
        return conflicts.isEmpty();
    }
}
