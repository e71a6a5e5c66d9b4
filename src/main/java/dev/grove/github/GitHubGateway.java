package dev.grove.github;

import java.io.IOException;
import java.util.Optional;

/**
 * Everything Grove asks of GitHub for one installation. Speaks only Grove's records, so hub4j stays in this package
 * and tests can use a recording fake.
 */
public interface GitHubGateway {

    /** The user's legacy permission on the repository: {@code admin}, {@code write}, {@code read} or {@code none}. */
    String permissionOf(RepoRef repo, String user) throws IOException;

    /** Posts a comment on an issue or pull request; returns the new comment's id. */
    long commentOnIssue(RepoRef repo, int issueNumber, String body) throws IOException;

    /** Replaces the body of an existing issue comment (the tracking comment is edited in place). */
    void editIssueComment(RepoRef repo, long commentId, String body) throws IOException;

    /** The pull request (open or closed) whose head is this branch of the repository itself, if there is one. */
    Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) throws IOException;

    /** Opens a pull request. */
    PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) throws IOException;
}
