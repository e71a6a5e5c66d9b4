package dev.grove.github;

import dev.grove.model.RepoRef;
import dev.grove.report.Redactor;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Every write Grove makes to GitHub goes through here (wired in {@code app/GroveServer}): comment bodies, pull
 * request titles and bodies, check-run titles, summaries, texts and action labels pass through the {@link Redactor}
 * first, so no known secret and nothing shaped like a key or token is ever posted.
 */
public final class RedactingGitHubGateway implements GitHubGateway {

    private final GitHubGateway delegate;
    private final Redactor redactor;

    public RedactingGitHubGateway(GitHubGateway delegate, Redactor redactor) {
        this.delegate = delegate;
        this.redactor = redactor;
    }

    @Override
    public String permissionOf(RepoRef repo, String user) throws IOException {
        return delegate.permissionOf(repo, user);
    }

    @Override
    public String roleOf(RepoRef repo, String user) throws IOException {
        return delegate.roleOf(repo, user);
    }

    @Override
    public long commentOnIssue(RepoRef repo, int issueNumber, String body) throws IOException {
        return delegate.commentOnIssue(repo, issueNumber, redactor.redact(body));
    }

    @Override
    public void editIssueComment(RepoRef repo, long commentId, String body) throws IOException {
        delegate.editIssueComment(repo, commentId, redactor.redact(body));
    }

    @Override
    public Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) throws IOException {
        return delegate.findPullRequest(repo, headBranch);
    }

    @Override
    public PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) throws IOException {
        return delegate.openPullRequest(repo, new PullRequestDraft(redactor.redact(draft.title()), draft.head(),
                draft.base(), redactor.redact(draft.body()), draft.draft()));
    }

    @Override
    public Optional<RepoFile> readFile(RepoRef repo, String path, String ref) throws IOException {
        return delegate.readFile(repo, path, ref);
    }

    @Override
    public long createCheckRun(RepoRef repo, CheckRunRequest run) throws IOException {
        return delegate.createCheckRun(repo, redact(run));
    }

    @Override
    public void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) throws IOException {
        delegate.updateCheckRun(repo, checkRunId, redact(run));
    }

    @Override
    public void deleteBranch(RepoRef repo, String branch) throws IOException {
        delegate.deleteBranch(repo, branch);
    }

    @Override
    public void retargetPullRequest(RepoRef repo, int pullNumber, String base) throws IOException {
        delegate.retargetPullRequest(repo, pullNumber, base);
    }

    @Override
    public List<ReviewComment> reviewComments(RepoRef repo, int pullNumber, long reviewId) throws IOException {
        return delegate.reviewComments(repo, pullNumber, reviewId);
    }

    @Override
    public List<CheckRunDetails> checkSuiteRuns(RepoRef repo, long checkSuiteId) throws IOException {
        return delegate.checkSuiteRuns(repo, checkSuiteId);
    }

    @Override
    public List<CheckAnnotation> checkRunAnnotations(RepoRef repo, long checkRunId) throws IOException {
        return delegate.checkRunAnnotations(repo, checkRunId);
    }

    @Override
    public Optional<String> actionsJobLogTail(RepoRef repo, long jobId, int maxChars) throws IOException {
        return delegate.actionsJobLogTail(repo, jobId, maxChars);
    }

    @Override
    public List<IssueComment> issueThread(RepoRef repo, int issueNumber) throws IOException {
        return delegate.issueThread(repo, issueNumber);
    }

    @Override
    public long replyToReviewComment(RepoRef repo, int pullNumber, long commentId, String body) throws IOException {
        return delegate.replyToReviewComment(repo, pullNumber, commentId, redactor.redact(body));
    }

    // look-ups of what Grove may already have made (RetryingGitHubGateway's): reads, passed through

    @Override
    public List<IssueCommentRef> reviewCommentsSince(RepoRef repo, int pullNumber, java.time.Instant since)
            throws IOException {
        return delegate.reviewCommentsSince(repo, pullNumber, since);
    }

    @Override
    public List<IssueCommentRef> issueComments(RepoRef repo, int issueNumber, java.time.Instant since)
            throws IOException {
        return delegate.issueComments(repo, issueNumber, since);
    }

    @Override
    public Optional<PullRequestRef> findOpenPullRequest(RepoRef repo, String headBranch) throws IOException {
        return delegate.findOpenPullRequest(repo, headBranch);
    }

    @Override
    public List<CheckRunRef> checkRuns(RepoRef repo, String headSha, String name) throws IOException {
        return delegate.checkRuns(repo, headSha, name);
    }

    @Override
    public String issueBody(RepoRef repo, int issueNumber) throws IOException {
        return delegate.issueBody(repo, issueNumber);
    }

    @Override
    public void editIssueBody(RepoRef repo, int issueNumber, String body) throws IOException {
        delegate.editIssueBody(repo, issueNumber, redactor.redact(body));
    }

    @Override
    public void closeIssue(RepoRef repo, int issueNumber) throws IOException {
        delegate.closeIssue(repo, issueNumber);
    }

    @Override
    public void react(RepoRef repo, int issueNumber, long commentId, String content) throws IOException {
        delegate.react(repo, issueNumber, commentId, content);
    }

    private CheckRunRequest redact(CheckRunRequest run) {
        List<CheckAction> actions = run.actions().stream()
                .map(a -> new CheckAction(redactor.redact(a.label()), redactor.redact(a.description()), a.identifier()))
                .toList();
        return new CheckRunRequest(redactor.redact(run.name()), run.headSha(), run.externalId(), run.status(),
                run.conclusion(), run.startedAt(), run.completedAt(), redactor.redact(run.title()),
                redactor.redact(run.summary()), redactor.redact(run.text()), actions);
    }
}
