package dev.grove.github;

import dev.grove.model.RepoRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GitHubGateway} that tries again when GitHub fails in a way that may pass ({@link GitHubFaultException}:
 * 5xx, rate limits, no answer), with a bounded, jittered exponential backoff (Failsafe), waiting what GitHub asks
 * ({@code Retry-After}, or until {@code x-ratelimit-reset}) instead when it says, and giving up at once when that
 * is longer than {@link GitHubClientSettings#maxWait()}.
 *
 * <p>Reads, edits ({@code PATCH} with the same body) and deletes are simply sent again. A create is not: when its
 * first attempt may have been acted on (a 5xx, or no answer), Grove first looks for what it may already have made,
 * and returns that instead of making a second one:
 * <ul>
 *   <li>a comment, by a hidden marker ({@code <!-- grove:create <uuid> -->}) this class appends to every comment's
 *       body, among the issue's comments updated since just before the first attempt (a reply in a review thread:
 *       among the pull request's review comments);</li>
 *   <li>a pull request, by its head branch (an open pull request from it);</li>
 *   <li>a check run, by name and {@code external_id} on the head commit, started when the request says (or, when it
 *       names no start, since just before the first attempt).</li>
 * </ul>
 * A rate limit or a refused connection means nothing was made, so the create is sent again without looking.
 */
public final class RetryingGitHubGateway implements GitHubGateway {
    private static final Logger log = LoggerFactory.getLogger(RetryingGitHubGateway.class);
    /** Marks a comment Grove made, so that a retry can find it. Invisible when GitHub renders the comment. */
    public static final String MARKER_PREFIX = "<!-- grove:create ";
    /** How far before the first attempt a look-up reaches, for clocks that differ between Grove and GitHub. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final GitHubGateway delegate;
    private final GitHubRetries retries;
    private final Clock clock;

    public RetryingGitHubGateway(GitHubGateway delegate, GitHubClientSettings settings, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.retries = new GitHubRetries(settings);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- creates ---------------------------------------------------------------------------------------------------

    @Override
    public long commentOnIssue(RepoRef repo, int issueNumber, String body) throws IOException {
        String marker = MARKER_PREFIX + UUID.randomUUID() + " -->";
        String marked = (body == null ? "" : body) + "\n\n" + marker;
        Instant since = clock.instant().minus(CLOCK_SKEW);
        AtomicBoolean mayExist = new AtomicBoolean();
        return call("POST comment on " + repo + "#" + issueNumber, mayExist, () -> {
            if (mayExist.get()) {
                for (IssueCommentRef c : delegate.issueComments(repo, issueNumber, since)) {
                    if (c.body() != null && c.body().contains(marker)) {
                        log.info("comment on {}#{} had been made before the failure; using it ({})", repo, issueNumber,
                                c.id());
                        return c.id();
                    }
                }
            }
            return delegate.commentOnIssue(repo, issueNumber, marked);
        });
    }

    /** Like {@link #commentOnIssue}: the reply carries a marker, looked for among the PR's review comments. */
    @Override
    public long replyToReviewComment(RepoRef repo, int pullNumber, long commentId, String body) throws IOException {
        String marker = MARKER_PREFIX + UUID.randomUUID() + " -->";
        String marked = (body == null ? "" : body) + "\n\n" + marker;
        Instant since = clock.instant().minus(CLOCK_SKEW);
        AtomicBoolean mayExist = new AtomicBoolean();
        return call("POST reply to review comment " + commentId + " on " + repo + "#" + pullNumber, mayExist, () -> {
            if (mayExist.get()) {
                for (IssueCommentRef c : delegate.reviewCommentsSince(repo, pullNumber, since)) {
                    if (c.body() != null && c.body().contains(marker)) {
                        log.info("reply to review comment {} had been made before the failure; using it ({})",
                                commentId, c.id());
                        return c.id();
                    }
                }
            }
            return delegate.replyToReviewComment(repo, pullNumber, commentId, marked);
        });
    }

    @Override
    public PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) throws IOException {
        AtomicBoolean mayExist = new AtomicBoolean();
        return call("POST pull request " + draft.head() + " on " + repo, mayExist, () -> {
            if (mayExist.get()) {
                Optional<PullRequestRef> found = delegate.findOpenPullRequest(repo, draft.head());
                if (found.isPresent()) {
                    log.info("pull request for {} had been opened before the failure; using #{}", draft.head(),
                            found.get().number());
                    return found.get();
                }
            }
            return delegate.openPullRequest(repo, draft);
        });
    }

    @Override
    public long createCheckRun(RepoRef repo, CheckRunRequest run) throws IOException {
        Instant since = clock.instant().minus(CLOCK_SKEW);
        AtomicBoolean mayExist = new AtomicBoolean();
        return call("POST check run '" + run.name() + "' on " + repo, mayExist, () -> {
            if (mayExist.get()) {
                for (CheckRunRef c : delegate.checkRuns(repo, run.headSha(), run.name())) {
                    if (sameCheckRun(c, run, since)) {
                        log.info("check run '{}' had been created before the failure; using {}", run.name(), c.id());
                        return c.id();
                    }
                }
            }
            return delegate.createCheckRun(repo, run);
        });
    }

    /** Same {@code external_id}, and started when the request says (GitHub keeps seconds), or after {@code since}. */
    static boolean sameCheckRun(CheckRunRef found, CheckRunRequest run, Instant since) {
        if (!Objects.equals(found.externalId(), run.externalId())) {
            return false;
        }
        if (found.startedAt() == null) {
            return run.startedAt() == null;
        }
        if (run.startedAt() != null) {
            return Duration.between(run.startedAt(), found.startedAt()).abs().compareTo(Duration.ofSeconds(1)) <= 0;
        }
        return !found.startedAt().isBefore(since);
    }

    // ---- everything else: sent again as it is ------------------------------------------------------------------

    @Override
    public String permissionOf(RepoRef repo, String user) throws IOException {
        return call("read the permission of " + user, () -> delegate.permissionOf(repo, user));
    }

    @Override
    public String roleOf(RepoRef repo, String user) throws IOException {
        return call("read the role of " + user, () -> delegate.roleOf(repo, user));
    }

    @Override
    public void editIssueComment(RepoRef repo, long commentId, String body) throws IOException {
        call("edit comment " + commentId, () -> {
            delegate.editIssueComment(repo, commentId, body);
            return null;
        });
    }

    @Override
    public Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) throws IOException {
        return call("look for the pull request of " + headBranch, () -> delegate.findPullRequest(repo, headBranch));
    }

    @Override
    public Optional<RepoFile> readFile(RepoRef repo, String path, String ref) throws IOException {
        return call("read " + path, () -> delegate.readFile(repo, path, ref));
    }

    @Override
    public void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) throws IOException {
        call("update check run " + checkRunId, () -> {
            delegate.updateCheckRun(repo, checkRunId, run);
            return null;
        });
    }

    @Override
    public void deleteBranch(RepoRef repo, String branch) throws IOException {
        call("delete branch " + branch, () -> {
            delegate.deleteBranch(repo, branch);
            return null;
        });
    }

    @Override
    public void retargetPullRequest(RepoRef repo, int pullNumber, String base) throws IOException {
        call("retarget pull request #" + pullNumber, () -> {
            delegate.retargetPullRequest(repo, pullNumber, base);
            return null;
        });
    }

    @Override
    public List<ReviewComment> reviewComments(RepoRef repo, int pullNumber, long reviewId) throws IOException {
        return call("read review " + reviewId, () -> delegate.reviewComments(repo, pullNumber, reviewId));
    }

    /** A reaction is made once however often it is asked for (GitHub answers 200 for one that exists). */
    @Override
    public void react(RepoRef repo, int issueNumber, long commentId, String content) throws IOException {
        call("react to #" + issueNumber, () -> {
            delegate.react(repo, issueNumber, commentId, content);
            return null;
        });
    }

    @Override
    public String issueBody(RepoRef repo, int issueNumber) throws IOException {
        return call("read issue #" + issueNumber, () -> delegate.issueBody(repo, issueNumber));
    }

    @Override
    public void editIssueBody(RepoRef repo, int issueNumber, String body) throws IOException {
        call("edit issue #" + issueNumber, () -> {
            delegate.editIssueBody(repo, issueNumber, body);
            return null;
        });
    }

    @Override
    public void closeIssue(RepoRef repo, int issueNumber) throws IOException {
        call("close issue #" + issueNumber, () -> {
            delegate.closeIssue(repo, issueNumber);
            return null;
        });
    }

    @Override
    public List<IssueComment> issueThread(RepoRef repo, int issueNumber) throws IOException {
        return call("read the comments of #" + issueNumber, () -> delegate.issueThread(repo, issueNumber));
    }

    @Override
    public List<IssueCommentRef> issueComments(RepoRef repo, int issueNumber, Instant since) throws IOException {
        return call("list comments of #" + issueNumber, () -> delegate.issueComments(repo, issueNumber, since));
    }

    @Override
    public List<IssueCommentRef> reviewCommentsSince(RepoRef repo, int pullNumber, Instant since) throws IOException {
        return call("list review comments of #" + pullNumber, () -> delegate.reviewCommentsSince(repo, pullNumber, since));
    }

    @Override
    public Optional<PullRequestRef> findOpenPullRequest(RepoRef repo, String headBranch) throws IOException {
        return call("look for the open pull request of " + headBranch,
                () -> delegate.findOpenPullRequest(repo, headBranch));
    }

    @Override
    public List<CheckRunRef> checkRuns(RepoRef repo, String headSha, String name) throws IOException {
        return call("list check runs of " + headSha, () -> delegate.checkRuns(repo, headSha, name));
    }

    @Override
    public List<CheckRunDetails> checkSuiteRuns(RepoRef repo, long checkSuiteId) throws IOException {
        return call("list the check runs of suite " + checkSuiteId, () -> delegate.checkSuiteRuns(repo, checkSuiteId));
    }

    @Override
    public List<CheckAnnotation> checkRunAnnotations(RepoRef repo, long checkRunId) throws IOException {
        return call("list the annotations of check run " + checkRunId,
                () -> delegate.checkRunAnnotations(repo, checkRunId));
    }

    @Override
    public java.util.Optional<String> actionsJobLogTail(RepoRef repo, long jobId, int maxChars) throws IOException {
        return call("read the log of job " + jobId, () -> delegate.actionsJobLogTail(repo, jobId, maxChars));
    }

    private <T> T call(String what, dev.failsafe.function.CheckedSupplier<T> attempt) throws IOException {
        return retries.call(what, new AtomicBoolean(), attempt);
    }

    private <T> T call(String what, AtomicBoolean mayExist, dev.failsafe.function.CheckedSupplier<T> attempt)
            throws IOException {
        return retries.call(what, mayExist, attempt);
    }
}
