package dev.grove.pipeline;

import dev.grove.model.RepoRef;
import dev.grove.github.ReviewComment;
import java.util.List;

/**
 * A request to revise the task behind a Grove pull request: instructions, and review comments with file and line.
 * {@code mergeBase} (null for an ordinary revise) is the branch to merge into the PR's branch first: the agent then
 * works in a worktree where that merge is under way, resolving its conflict markers, and Grove commits the merge.
 */
public record ReviseRequest(RepoRef repo, long installationId, String cloneUrl, String defaultBranch, int pullNumber,
        String instructions, List<ReviewComment> comments, String requestedBy, String mergeBase) {
    public ReviseRequest {
        comments = List.copyOf(comments);
    }

    public ReviseRequest(RepoRef repo, long installationId, String cloneUrl, String defaultBranch, int pullNumber,
            String instructions, List<ReviewComment> comments, String requestedBy) {
        this(repo, installationId, cloneUrl, defaultBranch, pullNumber, instructions, comments, requestedBy, null);
    }

    /** The same request with other instructions. */
    ReviseRequest withInstructions(String text) {
        return new ReviseRequest(repo, installationId, cloneUrl, defaultBranch, pullNumber, text, comments,
                requestedBy, mergeBase);
    }
}
