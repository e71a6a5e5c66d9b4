package dev.grove.pipeline;

import dev.grove.model.RepoRef;
import dev.grove.github.ReviewComment;
import java.util.List;

/** A request to revise the task behind a Grove pull request: instructions, and review comments with file and line. */
public record ReviseRequest(RepoRef repo, long installationId, String cloneUrl, String defaultBranch, int pullNumber,
        String instructions, List<ReviewComment> comments, String requestedBy) {
    public ReviseRequest {
        comments = List.copyOf(comments);
    }
}
