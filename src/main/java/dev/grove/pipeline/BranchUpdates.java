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
 * branch that moved on origin meanwhile refuses the push. A branch that conflicts with the base is left as it is and
 * the PR gets a comment naming the files.
 */
final class BranchUpdates {
    private static final Logger log = LoggerFactory.getLogger(BranchUpdates.class);
    private final PipelineSteps steps;

    BranchUpdates(PipelineSteps steps) {
        this.steps = steps;
    }

    /** Returns how many PRs were retargeted. */
    int afterMerge(GitHubGateway github, RepoRef repo, long installationId, String cloneUrl, TaskRecord merged,
            String base, String protectedBranch) {
        int issue = merged.key().issue();
        Optional<SavedPlan> saved = steps.store().plan(repo, issue);
        if (saved.isEmpty()) {
            return 0;
        }
        Map<Integer, List<Integer>> predecessors = Stacking.predecessors(saved.get().plan());
        List<TaskRecord> stacked = steps.store().tasks(repo, issue).stream()
                .filter(t -> t.key().inPlan() && t.status() == TaskStatus.PR_OPENED && t.prNumber() != null
                        && t.branch() != null && !t.key().equals(merged.key())
                        && predecessors.getOrDefault(t.number(), List.of()).equals(List.of(merged.number())))
                .toList();
        if (stacked.isEmpty()) {
            return 0;
        }
        CachedRepo clone = steps.workspaces().sync(repo, cloneUrl, installationId);
        String baseHead = steps.git().remoteBranchHead(clone, base);
        for (TaskRecord t : stacked) {
            try {
                github.retargetPullRequest(repo, t.prNumber(), base);
            } catch (IOException | RuntimeException e) {
                log.warn("{}#{}: could not retarget to {}: {}", repo, t.prNumber(), base, e.getMessage());
                steps.store().saveTask(t.withMessage("stacked on task " + merged.number() + ", which merged; could not"
                        + " retarget the PR to `" + base + "`: " + e.getMessage()));
                continue;
            }
            String note = "retargeted to `" + base + "` after #" + merged.prNumber() + " merged";
            steps.store().saveTask(t.withMessage(note));
            try {
                bringUpToDate(github, repo, installationId, clone, t, base, baseHead, protectedBranch, note);
            } catch (RuntimeException e) {
                log.warn("{}#{}: could not bring {} up to date with {}: {}", repo, t.prNumber(), t.branch(), base,
                        e.getMessage());
                steps.store().task(t.key()).ifPresent(now -> steps.store().saveTask(now.withMessage(note
                        + "; could not merge `" + base + "` in: " + e.getMessage())));
            }
        }
        return stacked.size();
    }

    /**
     * Merges {@code baseHead} into the task's branch as origin holds it and pushes the result (a fast-forward of
     * origin's branch); on a conflict, nothing is pushed and the PR says which files conflict.
     */
    void bringUpToDate(GitHubGateway github, RepoRef repo, long installationId, CachedRepo clone, TaskRecord t,
            String base, String baseHead, String protectedBranch, String note) {
        String originHead;
        try {
            originHead = steps.git().remoteBranchHead(clone, t.branch());
        } catch (RuntimeException e) {
            log.warn("{}: origin has no {}; not updated", repo, t.branch());
            return;
        }
        boolean someoneElsePushed = t.headSha() != null && !t.headSha().equals(originHead);
        steps.workspaces().release(clone, t.branch(), t.headSha(), false); // its worktree is made again when needed
        BranchMerge m = steps.git().mergeIntoBranch(clone, t.branch(), originHead, baseHead, "Merge `" + base
                + "` into " + t.branch() + "\n\nBrings #" + t.prNumber() + " up to date with `" + base + "`.",
                Publisher.AUTHOR_NAME, Publisher.AUTHOR_EMAIL);
        TaskRecord now = steps.store().task(t.key()).orElse(t);
        if (!m.clean()) {
            String files = m.conflicts().stream().map(f -> "`" + f + "`").collect(Collectors.joining(", "));
            steps.store().saveTask(now.withMessage(note + "; conflicts with `" + base + "` in " + files));
            comment(github, repo, t.prNumber(), "`" + base + "` changed since this branch was made: merging it in"
                    + " conflicts in " + files + ". Grove left the branch as it is; resolve the conflict here, or"
                    + " `/grove revise` with what to do.");
            return;
        }
        if (!m.changed()) {
            steps.store().saveTask(now.withHeadSha(originHead).withMessage(note + "; already up to date"));
            return;
        }
        String pushed = steps.git().push(clone, t.branch(), protectedBranch, steps.workspaces()
                .credentials(installationId));
        steps.store().saveTask(now.withHeadSha(pushed).withMessage(note + "; `" + base + "` merged in ("
                + pushed.substring(0, 7) + ")" + (someoneElsePushed ? "; commits pushed by others are kept" : "")));
        log.info("{}#{}: {} merged into {} at {}", repo, t.prNumber(), base, t.branch(), pushed);
    }

    private static void comment(GitHubGateway github, RepoRef repo, int number, String text) {
        try {
            github.commentOnIssue(repo, number, text);
        } catch (IOException | RuntimeException e) {
            log.warn("could not comment on {}#{}: {}", repo, number, e.getMessage());
        }
    }
}
