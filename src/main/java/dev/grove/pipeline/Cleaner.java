package dev.grove.pipeline;

import dev.grove.git.CachedRepo;
import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.github.TokenSource;
import dev.grove.store.StateStore;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a Grove pull request is closed: the task's worktree is removed; when it was merged and the repository's
 * config says {@code delete_branch_on_merge}, the branch is deleted on GitHub and in the clone; otherwise the branch
 * is kept. The task's record says which, for the tracking comment.
 */
public final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);
    private final LongFunction<GitHubGateway> gateways;
    private final TokenSource tokens;
    private final GitClient git;
    private final StateStore store;
    private final RunnerSettings settings;

    public Cleaner(LongFunction<GitHubGateway> gateways, TokenSource tokens, GitClient git, StateStore store,
            RunnerSettings settings) {
        this.gateways = gateways;
        this.tokens = tokens;
        this.git = git;
        this.store = store;
        this.settings = settings;
    }

    /** Returns the task's new record, or empty when the PR is not one of Grove's. */
    public Optional<TaskRecord> closed(RepoRef repo, long installationId, String cloneUrl, int pullNumber,
            boolean merged, boolean deleteBranchOnMerge) throws IOException {
        Optional<TaskRecord> found = store.taskByPullRequest(repo, pullNumber);
        if (found.isEmpty() || found.get().branch() == null) {
            return Optional.empty();
        }
        TaskRecord rec = found.get();
        String branch = rec.branch();
        CachedRepo clone = git.sync(repo, cloneUrl, credentials(installationId));
        boolean delete = merged && deleteBranchOnMerge;
        git.removeWorktree(new Worktree(clone, TaskPipeline.worktreeDir(settings, repo, branch), branch,
                rec.headSha() == null ? "" : rec.headSha()), delete);
        if (delete) {
            gateways.apply(installationId).deleteBranch(repo, branch);
        }
        String message = "worktree removed; branch " + (delete ? "deleted" : "kept");
        TaskRecord updated = rec.withStatus(merged ? TaskStatus.MERGED : TaskStatus.CLOSED).withMessage(message);
        store.saveTask(updated);
        log.info("{} #{} {}: {}", repo, pullNumber, merged ? "merged" : "closed", message);
        return Optional.of(updated);
    }

    private GitCredentials credentials(long installationId) {
        return GitTokens.credentials(tokens, installationId);
    }
}
