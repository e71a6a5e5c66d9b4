package dev.grove.github;

import dev.grove.model.RepoRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GitHub that only remembers: comments and pull requests are kept in memory and numbered, nothing is sent.
 * {@code grove demo} runs the real engine against it to show what would be opened.
 */
public final class DryRunGitHubGateway implements GitHubGateway {
    private final String permission;
    private final AtomicLong commentIds = new AtomicLong(1000);
    private final AtomicInteger prNumbers = new AtomicInteger(100);
    private final Map<Long, String> comments = new LinkedHashMap<>();
    private final Map<String, PullRequestRef> prsByBranch = new LinkedHashMap<>();
    private final List<PullRequestDraft> opened = new ArrayList<>();
    private final Map<Long, CheckRunRequest> checkRuns = new LinkedHashMap<>();
    private final List<String> deletedBranches = new ArrayList<>();
    private final Map<Integer, String> retargeted = new LinkedHashMap<>();

    /** @param permission what {@link #permissionOf} answers for everyone */
    public DryRunGitHubGateway(String permission) {
        this.permission = permission;
    }

    @Override
    public String permissionOf(RepoRef repo, String user) {
        return permission;
    }

    @Override
    public synchronized long commentOnIssue(RepoRef repo, int issueNumber, String body) {
        long id = commentIds.incrementAndGet();
        comments.put(id, body);
        return id;
    }

    @Override
    public synchronized void editIssueComment(RepoRef repo, long commentId, String body) {
        comments.put(commentId, body);
    }

    @Override
    public synchronized Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) {
        return Optional.ofNullable(prsByBranch.get(headBranch));
    }

    @Override
    public synchronized PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) {
        int n = prNumbers.incrementAndGet();
        PullRequestRef pr = new PullRequestRef(n, "https://github.com/" + repo.fullName() + "/pull/" + n);
        prsByBranch.put(draft.head(), pr);
        opened.add(draft);
        return pr;
    }

    @Override
    public Optional<RepoFile> readFile(RepoRef repo, String path, String ref) {
        return Optional.empty(); // no repository config: the defaults
    }

    @Override
    public synchronized long createCheckRun(RepoRef repo, CheckRunRequest run) {
        long id = commentIds.incrementAndGet();
        checkRuns.put(id, run);
        return id;
    }

    @Override
    public synchronized void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) {
        checkRuns.put(checkRunId, run);
    }

    @Override
    public synchronized void deleteBranch(RepoRef repo, String branch) {
        deletedBranches.add(branch);
    }

    @Override
    public synchronized void retargetPullRequest(RepoRef repo, int pullNumber, String base) {
        retargeted.put(pullNumber, base);
    }

    /** The pull requests retargeted, by number, to their new base. */
    public synchronized Map<Integer, String> retargeted() {
        return Map.copyOf(retargeted);
    }

    @Override
    public List<ReviewComment> reviewComments(RepoRef repo, int pullNumber, long reviewId) {
        return List.of();
    }

    /** No CI runs in a dry run: no check suite has runs. */
    @Override
    public List<CheckRunDetails> checkSuiteRuns(RepoRef repo, long checkSuiteId) {
        return List.of();
    }

    @Override
    public List<CheckAnnotation> checkRunAnnotations(RepoRef repo, long checkRunId) {
        return List.of();
    }

    @Override
    public Optional<String> actionsJobLogTail(RepoRef repo, long jobId, int maxChars) {
        return Optional.empty();
    }

    /** The demo's issue has no conversation: Grove's own comments are all there is, and a prompt leaves those out. */
    @Override
    public List<IssueComment> issueThread(RepoRef repo, int issueNumber) {
        return List.of();
    }

    /** A reply in a review thread is kept with the comments. */
    @Override
    public synchronized long replyToReviewComment(RepoRef repo, int pullNumber, long commentId, String body) {
        long id = commentIds.incrementAndGet();
        comments.put(id, body);
        return id;
    }

    /** The latest state of every check run, by id. */
    public synchronized Map<Long, CheckRunRequest> checkRuns() {
        return Map.copyOf(checkRuns);
    }

    public synchronized List<PullRequestDraft> openedPullRequests() {
        return List.copyOf(opened);
    }

    public synchronized Map<Long, String> comments() {
        return Map.copyOf(comments);
    }
}
