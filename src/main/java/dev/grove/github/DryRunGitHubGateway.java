package dev.grove.github;

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

    public synchronized List<PullRequestDraft> openedPullRequests() {
        return List.copyOf(opened);
    }

    public synchronized Map<Long, String> comments() {
        return Map.copyOf(comments);
    }
}
