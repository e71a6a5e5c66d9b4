package dev.grove.pipeline;

import dev.grove.git.CachedRepo;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a Grove pull request is closed: the task's worktree is removed; when it was merged and the repository's
 * config says {@code delete_branch_on_merge}, the branch is deleted on GitHub and in the clone; otherwise the branch
 * is kept. The task's record says which, for the tracking comment.
 */
public final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);
    private final PipelineSteps steps;

    public Cleaner(PipelineSteps steps) {
        this.steps = steps;
    }

    /** Returns the task's new record, or empty when the PR is not one of Grove's. */
    public Optional<TaskRecord> closed(RepoRef repo, long installationId, String cloneUrl, int pullNumber,
            boolean merged, boolean deleteBranchOnMerge) throws IOException {
        Optional<TaskRecord> found = steps.store().taskByPullRequest(repo, pullNumber);
        if (found.isEmpty() || found.get().branch() == null) {
            return Optional.empty();
        }
        TaskRecord rec = found.get();
        String branch = rec.branch();
        CachedRepo clone = steps.workspaces().sync(repo, cloneUrl, installationId);
        boolean delete = merged && deleteBranchOnMerge;
        steps.workspaces().release(clone, branch, rec.headSha(), delete);
        if (delete) {
            steps.gateways().apply(installationId).deleteBranch(repo, branch);
        }
        String message = "worktree removed; branch " + (delete ? "deleted" : "kept");
        TaskRecord updated = rec.withStatus(merged ? TaskStatus.MERGED : TaskStatus.CLOSED).withMessage(message);
        steps.store().saveTask(updated);
        log.info("{} #{} {}: {}", repo, pullNumber, merged ? "merged" : "closed", message);
        return Optional.of(updated);
    }
}
