package dev.grove.publish;

import dev.grove.github.GitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import java.io.IOException;
import java.util.Optional;

/** Opening a branch's pull request, or finding the one already open (a retry or a restart never opens a second). */
public final class PullRequests {
    private PullRequests() {
    }

    public static PullRequestRef openOrFind(GitHubGateway github, RepoRef repo, PullRequestDraft draft)
            throws IOException {
        Optional<PullRequestRef> existing = github.findPullRequest(repo, draft.head());
        return existing.isPresent() ? existing.get() : github.openPullRequest(repo, draft);
    }
}
