package dev.grove.github;

import dev.grove.model.RepoRef;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
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

    /**
     * The user's role on the repository, finer than {@link #permissionOf}: {@code admin}, {@code maintain},
     * {@code write}, {@code triage}, {@code read} or {@code none} (a custom role counts as its base permission).
     */
    default String roleOf(RepoRef repo, String user) throws IOException {
        return permissionOf(repo, user);
    }

    /** A file of the repository at {@code ref} (a branch), or empty when there is none. */
    default Optional<RepoFile> readFile(RepoRef repo, String path, String ref) throws IOException {
        throw new UnsupportedOperationException("readFile");
    }

    /** Creates a check run; returns its id. */
    default long createCheckRun(RepoRef repo, CheckRunRequest run) throws IOException {
        throw new UnsupportedOperationException("createCheckRun");
    }

    /** Updates a check run ({@code name} and {@code headSha} of the request are not sent). */
    default void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) throws IOException {
        throw new UnsupportedOperationException("updateCheckRun");
    }

    /** Deletes a branch on GitHub; a branch already gone is not an error. */
    default void deleteBranch(RepoRef repo, String branch) throws IOException {
        throw new UnsupportedOperationException("deleteBranch");
    }

    /**
     * Changes the branch a pull request merges into ({@code PATCH /repos/{o}/{r}/pulls/{n}} with {@code base}): a
     * stacked PR is retargeted to the default branch once the PR it is stacked on merges.
     */
    default void retargetPullRequest(RepoRef repo, int pullNumber, String base) throws IOException {
        throw new UnsupportedOperationException("retargetPullRequest");
    }

    /** The comments of one review of a pull request, with file and line. */
    default List<ReviewComment> reviewComments(RepoRef repo, int pullNumber, long reviewId) throws IOException {
        throw new UnsupportedOperationException("reviewComments");
    }

    /**
     * Replies in the thread of a pull request's review comment ({@code commentId}: the thread's top-level comment);
     * returns the reply's id.
     */
    default long replyToReviewComment(RepoRef repo, int pullNumber, long commentId, String body) throws IOException {
        throw new UnsupportedOperationException("replyToReviewComment");
    }

    /**
     * Adds a reaction ({@code eyes}, {@code +1}, ...) to an issue or PR comment ({@code commentId}), or to the issue
     * or PR itself when {@code commentId} is 0.
     */
    default void react(RepoRef repo, int issueNumber, long commentId, String content) throws IOException {
        throw new UnsupportedOperationException("react");
    }

    /** The issue's body as it is now ({@code ""} when it has none). */
    default String issueBody(RepoRef repo, int issueNumber) throws IOException {
        throw new UnsupportedOperationException("issueBody");
    }

    /** Replaces the issue's body (Grove only ever ticks one checkbox of it). */
    default void editIssueBody(RepoRef repo, int issueNumber, String body) throws IOException {
        throw new UnsupportedOperationException("editIssueBody");
    }

    /**
     * The issue's comment thread, oldest first: at most the first {@link #THREAD_LIMIT} comments (GitHub lists them
     * by ascending id). Grove's own comments are in it too; the caller tells them apart.
     */
    default List<IssueComment> issueThread(RepoRef repo, int issueNumber) throws IOException {
        throw new UnsupportedOperationException("issueThread");
    }

    /** Comments {@link #issueThread} reads at most (5 pages of 100). */
    int THREAD_LIMIT = 500;

    /** Closes the issue as completed. */
    default void closeIssue(RepoRef repo, int issueNumber) throws IOException {
        throw new UnsupportedOperationException("closeIssue");
    }

    /** The check runs of a check suite ({@code GET /repos/{o}/{r}/check-suites/{id}/check-runs}), every app's. */
    default List<CheckRunDetails> checkSuiteRuns(RepoRef repo, long checkSuiteId) throws IOException {
        throw new UnsupportedOperationException("checkSuiteRuns");
    }

    /** The annotations of a check run ({@code GET /repos/{o}/{r}/check-runs/{id}/annotations}), first page of 50. */
    default List<CheckAnnotation> checkRunAnnotations(RepoRef repo, long checkRunId) throws IOException {
        throw new UnsupportedOperationException("checkRunAnnotations");
    }

    /**
     * The end of a GitHub Actions job's log (at most {@code maxChars}), or empty when GitHub has none to give (the
     * job is not an Actions job, its logs expired, or the App may not read Actions). {@code GET
     * /repos/{o}/{r}/actions/jobs/{id}/logs} answers with a redirect to a short-lived download URL.
     */
    default Optional<String> actionsJobLogTail(RepoRef repo, long jobId, int maxChars) throws IOException {
        throw new UnsupportedOperationException("actionsJobLogTail");
    }

    // ---- look-ups that let a create be retried without making a second one (see RetryingGitHubGateway) ----------

    /** The comments on an issue or pull request updated at or after {@code since}, oldest first. */
    default List<IssueCommentRef> issueComments(RepoRef repo, int issueNumber, Instant since) throws IOException {
        throw new UnsupportedOperationException("issueComments");
    }

    /** The review comments (on the diff) of a pull request updated at or after {@code since}, oldest first. */
    default List<IssueCommentRef> reviewCommentsSince(RepoRef repo, int pullNumber, Instant since) throws IOException {
        throw new UnsupportedOperationException("reviewCommentsSince");
    }

    /** The open pull request whose head is this branch of the repository itself, if there is one. */
    default Optional<PullRequestRef> findOpenPullRequest(RepoRef repo, String headBranch) throws IOException {
        throw new UnsupportedOperationException("findOpenPullRequest");
    }

    /** The check runs named {@code name} on commit {@code headSha}, newest first. */
    default List<CheckRunRef> checkRuns(RepoRef repo, String headSha, String name) throws IOException {
        throw new UnsupportedOperationException("checkRuns");
    }
}
