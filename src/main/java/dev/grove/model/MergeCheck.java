package dev.grove.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a run's task branches merge with each other: every pair, and all of them together (merged one after the
 * other onto their common base, in the order given). Computed in memory, with no checkout.
 */
public record MergeCheck(List<String> branches, List<Pair> pairs, List<String> allTogetherConflicts,
        List<String> notMergedTogether) {
    public MergeCheck {
        branches = List.copyOf(branches);
        pairs = List.copyOf(pairs);
        allTogetherConflicts = List.copyOf(allTogetherConflicts);
        notMergedTogether = List.copyOf(notMergedTogether);
    }

    /** Two branches; {@code conflictingFiles} empty when they merge cleanly. */
    public record Pair(String a, String b, List<String> conflictingFiles) {
        public Pair {
            conflictingFiles = List.copyOf(conflictingFiles);
        }

        public boolean clean() {
            return conflictingFiles.isEmpty();
        }

        public String other(String branch) {
            return branch.equals(a) ? b : a;
        }
    }

    /** Whether all the branches merge together without a conflict. */
    public boolean allClean() {
        return allTogetherConflicts.isEmpty() && notMergedTogether.isEmpty();
    }

    public List<Pair> conflicts() {
        return pairs.stream().filter(p -> !p.clean()).toList();
    }

    /** One branch's part of the check, e.g. for its check run. */
    public BranchResult forBranch(String branch) {
        List<Pair> with = new ArrayList<>();
        for (Pair p : pairs) {
            if (!p.clean() && (p.a().equals(branch) || p.b().equals(branch))) {
                with.add(p);
            }
        }
        return new BranchResult(branch, with);
    }

    /**
     * One task branch's conflicts with the other branches of its run. {@link #conclusion()} is the check-run
     * conclusion it calls for: {@code neutral} with {@link #reason()} when it conflicts, else {@code success}.
     */
    public record BranchResult(String branch, List<Pair> conflictsWith) {
        public BranchResult {
            conflictsWith = List.copyOf(conflictsWith);
        }

        public boolean conflicts() {
            return !conflictsWith.isEmpty();
        }

        public String conclusion() {
            return conflicts() ? "neutral" : "success";
        }

        public String reason() {
            if (!conflicts()) {
                return "`" + branch + "` merges cleanly with every other branch of this run.";
            }
            List<String> parts = new ArrayList<>();
            for (Pair p : conflictsWith) {
                parts.add("`" + p.other(branch) + "` (" + String.join(", ", p.conflictingFiles().stream()
                        .map(f -> "`" + f + "`").toList()) + ")");
            }
            return "`" + branch + "` conflicts with " + String.join("; ", parts)
                    + ": merge one, then update the other from the base branch.";
        }
    }
}
