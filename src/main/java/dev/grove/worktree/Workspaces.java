package dev.grove.worktree;

import dev.grove.git.CachedRepo;
import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.github.TokenSource;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspaces for agents: the repository's cached clone, synced with fresh credentials; a task's worktree, provisioned
 * on a new branch from the base, reused when it is still at origin's head of its branch or made again from origin,
 * and released; a task's log folder; and the planner's throwaway worktree ({@link Lease}).
 */
public final class Workspaces {
    private static final Logger log = LoggerFactory.getLogger(Workspaces.class);
    private final GitClient git;
    private final TokenSource tokens;
    private final WorkspacePaths paths;

    /** @param tokens installation tokens for git over HTTPS; null where git needs none (the offline demo) */
    public Workspaces(GitClient git, TokenSource tokens, WorkspacePaths paths) {
        this.git = git;
        this.tokens = tokens;
        this.paths = paths;
    }

    public WorkspacePaths paths() {
        return paths;
    }

    /** Fresh credentials for the installation (tokens expire hourly, so ask before each git network call). */
    public GitCredentials credentials(long installationId) {
        return GitTokens.credentials(tokens, installationId);
    }

    /** The repository's cached clone, fetched from origin now. */
    public CachedRepo sync(RepoRef repo, String cloneUrl, long installationId) {
        return git.sync(repo, cloneUrl, credentials(installationId));
    }

    /** A new worktree on a new branch {@code branch} at {@code baseSha}. */
    public Worktree provision(CachedRepo clone, String branch, String baseSha) {
        Path dir = paths.worktreeDir(clone.repo(), branch);
        createParent(dir);
        return git.addWorktree(clone, branch, baseSha, dir);
    }

    /** The branch's worktree at origin's {@code head}: reused when it is there, made again otherwise. */
    public Worktree reuseOrRebuild(CachedRepo clone, String branch, String head) {
        Path dir = paths.worktreeDir(clone.repo(), branch);
        Worktree existing = new Worktree(clone, dir, branch, head);
        if (Files.isRegularFile(dir.resolve(".git"))) {
            try {
                if (git.head(existing).equals(head) && git.currentBranch(existing).filter(branch::equals).isPresent()) {
                    return existing;
                }
            } catch (RuntimeException e) {
                log.info("worktree {} is unusable ({}); making it again", dir, e.getMessage());
            }
        }
        git.removeWorktree(existing, true);
        createParent(dir);
        return git.addWorktree(clone, branch, head, dir);
    }

    /** Removes the worktree, and its local branch too when {@code deleteBranch}. */
    public void release(Worktree wt, boolean deleteBranch) {
        git.removeWorktree(wt, deleteBranch);
    }

    /** Removes the worktree of {@code branch} wherever this runner keeps it (if it is there). */
    public void release(CachedRepo clone, String branch, String sha, boolean deleteBranch) {
        git.removeWorktree(new Worktree(clone, paths.worktreeDir(clone.repo(), branch), branch, sha == null ? "" : sha),
                deleteBranch);
    }

    /** Whether this runner holds a worktree for the branch. */
    public boolean hasWorktree(RepoRef repo, String branch) {
        return Files.exists(paths.worktreeDir(repo, branch));
    }

    /** The task's log folder, made if missing. */
    public Path logDir(TaskKey key) {
        Path dir = paths.taskDir(key);
        createDir(dir);
        return dir;
    }

    /**
     * A throwaway worktree at {@code baseSha} on a branch of its own (the planner reads the repository there); closing
     * the lease removes the worktree and the branch.
     */
    public Lease lease(CachedRepo clone, String branchPrefix, int issue, String baseSha) {
        String branch = branchPrefix + issue + "-plan-" + UUID.randomUUID().toString().substring(0, 8);
        return new Lease(provision(clone, branch, baseSha));
    }

    /** A worktree that is removed, with its branch, when closed. */
    public final class Lease implements AutoCloseable {
        private final Worktree worktree;

        private Lease(Worktree worktree) {
            this.worktree = worktree;
        }

        public Worktree worktree() {
            return worktree;
        }

        @Override
        public void close() {
            try {
                git.removeWorktree(worktree, true);
            } catch (RuntimeException e) {
                log.warn("could not remove the throwaway worktree {}: {}", worktree.dir(), e.getMessage());
            }
        }
    }

    private static void createParent(Path dir) {
        createDir(dir.getParent());
    }

    private static void createDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
