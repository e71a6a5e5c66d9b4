package dev.grove.pipeline;

import dev.grove.git.BranchMerge;
import dev.grove.git.CachedRepo;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Stacking;
import dev.grove.publish.Publisher;
import dev.grove.store.SavedPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a task PR of an issue merged into the base: the issue's open task PRs stacked on it are retargeted to the
 * base (before its branch may be deleted, which would close them), and each of them is brought up to date by merging
 * the new base into its branch in Grove's clone (in memory, a merge commit on top of origin's head of the branch) and
 * pushing it with the explicit refspec, never forced: commits someone else pushed to the branch are kept, and a
 * branch that moved on origin meanwhile refuses the push. The issue's other open task PRs are brought up to date the
 * same way. A branch that conflicts with the new base is left as it is, and reported to the caller (a revise or a
 * comment, as the repository's {@code auto_resolve} says).
 */
final class BranchUpdates {
    private static final Logger log = LoggerFactory.getLogger(BranchUpdates.class);
    private final PipelineSteps steps;

    BranchUpdates(PipelineSteps steps) {
        this.steps = steps;
    }

    /**
     * After {@code merged} merged into {@code base}: every other open task PR of its issue is checked against the new
     * base and brought up to date (those stacked on {@code merged} retargeted to {@code base} first); a task stacked on
     * a task whose PR is still open is left to follow it. Returns the PRs that conflict with the new base.
     */
    List<BaseConflict> afterMerge(GitHubGateway github, RepoRef repo, long installationId, String cloneUrl,
            TaskRecord merged, String base, String protectedBranch) {
        int issue = merged.key().issue();
        Optional<SavedPlan> saved = steps.store().plan(repo, issue);
        if (saved.isEmpty()) {
            return List.of();
        }
        Map<Integer, List<Integer>> predecessors = Stacking.predecessors(saved.get().plan());
        List<TaskRecord> all = steps.store().tasks(repo, issue).stream().filter(t -> t.key().inPlan()).toList();
        Map<Integer, TaskRecord> byNumber = all.stream().collect(Collectors.toMap(TaskRecord::number, t -> t,
                (a, b) -> a));
        List<TaskRecord> open = all.stream().filter(t -> t.status() == TaskStatus.PR_OPENED && t.prNumber() != null
                && t.branch() != null && !t.key().equals(merged.key())).toList();
        if (open.isEmpty()) {
            return List.of();
        }
        CachedRepo clone = steps.workspaces().sync(repo, cloneUrl, installationId);
        String baseHead = steps.git().remoteBranchHead(clone, base);
        List<BaseConflict> conflicts = new ArrayList<>();
        for (TaskRecord listed : open) {
            TaskRecord t = steps.store().task(listed.key()).orElse(listed);
            if (t.status() != TaskStatus.PR_OPENED) continue; // merged or closed meanwhile (another process's clean-up)
            List<Integer> preds = predecessors.getOrDefault(t.number(), List.of());
            boolean onMerged = preds.equals(List.of(merged.number()));
            TaskRecord pred = preds.size() == 1 ? byNumber.get(preds.get(0)) : null;
            if (!onMerged && pred != null && (pred.status() == TaskStatus.PR_OPENED
                    || pred.status() == TaskStatus.PUSHED)) {
                continue; // stacked on a PR still open: it follows that one when it merges
            }
            String note;
            if (onMerged) {
                try {
                    github.retargetPullRequest(repo, t.prNumber(), base);
                } catch (IOException | RuntimeException e) {
                    log.warn("{}#{}: could not retarget to {}: {}", repo, t.prNumber(), base, e.getMessage());
                    saveIfOpen(t.withMessage("stacked on task " + merged.number() + ", which merged;"
                            + " could not retarget the PR to `" + base + "`: " + e.getMessage()));
                    continue;
                }
                note = "retargeted to `" + base + "` after #" + merged.prNumber() + " merged";
                saveIfOpen(t.withMessage(note));
            } else {
                note = "#" + merged.prNumber() + " merged";
            }
            try {
                List<String> files = bringUpToDate(repo, installationId, clone, t, base, baseHead, protectedBranch,
                        note, onMerged);
                if (!files.isEmpty()) {
                    conflicts.add(new BaseConflict(steps.store().task(t.key()).orElse(t), base, merged.prNumber(),
                            files));
                }
            } catch (RuntimeException e) {
                log.warn("{}#{}: could not bring {} up to date with {}: {}", repo, t.prNumber(), t.branch(), base,
                        e.getMessage());
                steps.store().task(t.key()).ifPresent(now -> saveIfOpen(now.withMessage(note
                        + "; could not merge `" + base + "` in: " + e.getMessage())));
            }
        }
        return conflicts;
    }

    /**
     * Merges {@code baseHead} into the task's branch as origin holds it and pushes the result (a fast-forward of
     * origin's branch). Returns the conflicting files (then nothing is pushed), or an empty list.
     */
    private List<String> bringUpToDate(RepoRef repo, long installationId, CachedRepo clone, TaskRecord t, String base,
            String baseHead, String protectedBranch, String note, boolean alwaysSay) {
        String originHead;
        try {
            originHead = steps.git().remoteBranchHead(clone, t.branch());
        } catch (RuntimeException e) {
            log.warn("{}: origin has no {}; not updated", repo, t.branch());
            return List.of();
        }
        boolean someoneElsePushed = t.headSha() != null && !t.headSha().equals(originHead);
        BranchMerge m = steps.git().mergeIntoBranch(clone, t.branch(), originHead, baseHead, "Merge `" + base
                + "` into " + t.branch() + "\n\nBrings #" + t.prNumber() + " up to date with `" + base + "`.",
                Publisher.AUTHOR_NAME, Publisher.AUTHOR_EMAIL);
        TaskRecord now = steps.store().task(t.key()).orElse(t);
        if (!m.clean()) {
            String files = m.conflicts().stream().map(f -> "`" + f + "`").collect(Collectors.joining(", "));
            saveIfOpen(now.withMessage(note + "; conflicts with `" + base + "` in " + files));
            return m.conflicts();
        }
        if (!m.changed()) {
            if (alwaysSay) {
                saveIfOpen(now.withHeadSha(originHead).withMessage(note + "; already up to date"));
            }
            return List.of();
        }
        // the branch moved under the task's worktree: remove it (kept branch); a revise makes it again from origin
        steps.workspaces().release(clone, t.branch(), t.headSha(), false);
        String pushed = steps.git().push(clone, t.branch(), protectedBranch, steps.workspaces()
                .credentials(installationId));
        saveIfOpen(now.withHeadSha(pushed).withMessage(note + "; `" + base + "` merged in ("
                + pushed.substring(0, 7) + ")" + (someoneElsePushed ? "; commits pushed by others are kept" : "")));
        log.info("{}#{}: {} merged into {} at {}", repo, t.prNumber(), base, t.branch(), pushed);
        return List.of();
    }

    /**
     * Saves the open task's record unless its PR was recorded merged or closed meanwhile: a clean-up in another
     * process (the lock around clean-ups is per process) must not have its MERGED overwritten by this one's update.
     */
    private void saveIfOpen(TaskRecord t) {
        if (!steps.store().saveTaskIf(t, TaskStatus.PR_OPENED)) {
            log.info("{}#{}: merged or closed while it was brought up to date; its record is left as it is",
                    t.key().repo(), t.prNumber());
        }
    }
}
