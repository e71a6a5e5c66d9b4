package dev.grove.git;

import dev.grove.model.DiffStat;
import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Grove's git, on the runner: one cached clone per repository, linked worktrees made from it, commits and guarded
 * pushes. The pushed branch on origin is the truth; worktrees are disposable.
 */
public interface GitClient {

    /**
     * Clones the repository into the cache the first time, fetches it afterwards. Locked per repository, so two
     * issues of one repository never clone or fetch at once.
     */
    CachedRepo sync(RepoRef repo, String cloneUrl, GitCredentials credentials);

    /** The commit origin's {@code branch} points at, as of the last sync. */
    String remoteBranchHead(CachedRepo repo, String branch);

    /** Every branch name in the clone or on origin (as of the last sync), e.g. {@code main}, {@code grove/12-x}. */
    Set<String> branchNames(CachedRepo repo);

    /**
     * {@code git worktree add --no-track -b branch dir startSha}. Safe when several tasks of one repository start
     * at once. The new branch tracks nothing until it is pushed.
     */
    Worktree addWorktree(CachedRepo repo, String branch, String startSha, Path dir);

    /** The branch the worktree's HEAD is on now (empty when detached). */
    Optional<String> currentBranch(Worktree worktree);

    /**
     * Stages every change in the worktree (new, modified and deleted files) and commits it if there is any.
     * Returns the new commit, or empty when there was nothing to commit.
     */
    Optional<String> commitAll(Worktree worktree, String message, String authorName, String authorEmail);

    /** Files that differ between {@code baseSha} and the worktree's HEAD commit. */
    List<String> changedFiles(Worktree worktree);

    /** Commits on the worktree's HEAD that {@code baseSha} does not hold. */
    int commitsAhead(Worktree worktree);

    /** The worktree's HEAD commit. */
    String head(Worktree worktree);

    /**
     * Pushes {@code refs/heads/B:refs/heads/B} to origin, sets the branch's upstream to itself
     * ({@code branch.B.remote=origin}, {@code branch.B.merge=refs/heads/B}) and reads the branch back from origin.
     *
     * @param protectedBranch the repository's default branch: never a push target, whatever the caller asks
     * @return the commit origin now holds for the branch, equal to the local one
     * @throws PushRefusedException if the target is {@code protectedBranch} or outside {@code grove/}
     * @throws GitException if the push failed or origin does not hold the pushed commit afterwards
     */
    String push(CachedRepo repo, String branch, String protectedBranch, GitCredentials credentials);

    /**
     * Removes the worktree; with {@code deleteBranch}, deletes the local branch too, but only when every commit on
     * it is on origin (a branch holding unpushed commits is never deleted).
     */
    void removeWorktree(Worktree worktree, boolean deleteBranch);

    /**
     * Deletes the local branch whatever it holds ({@code git branch -D}); no-op when there is none. For a task whose
     * run stopped before its push: origin is the truth, and the task runs again from its base on the same branch
     * name. A worktree on the branch must be removed first.
     */
    void discardLocalBranch(CachedRepo repo, String branch);

    /** {@code git worktree prune} on every cached clone. */
    void pruneAll();

    /** Every file (not folder) of the commit's tree, paths relative to the root, sorted. */
    List<String> listFiles(CachedRepo repo, String commitSha);

    /**
     * Merges every pair of the given branch tips, and all of them together (one after the other onto
     * {@code baseSha}), in memory: nothing is checked out and no ref moves.
     *
     * @param tips branch name to commit, in the order to report and to merge them together
     */
    MergeCheck mergeCheck(CachedRepo repo, String baseSha, java.util.Map<String, String> tips);

    /**
     * Deletes the branch on origin (push of {@code :refs/heads/B}, under the same guard as {@link #push}), and the
     * local branch and its remote-tracking ref. A worktree on the branch must be removed first.
     */
    void deleteBranch(CachedRepo repo, String branch, String protectedBranch, GitCredentials credentials);

    /**
     * Merges {@code otherSha} (the updated base) into {@code headSha} (origin's head of the branch) in memory, and points
     * the local branch at the result: a merge commit by {@code authorName} with {@code headSha} as first parent, or
     * {@code otherSha} itself when it already holds {@code headSha} (fast-forward); unchanged when {@code headSha}
     * already holds {@code otherSha}. Nothing is checked out (a worktree on the branch must be removed first) and
     * nothing is pushed; on a conflict no ref moves. The result always descends from {@code headSha}, so pushing it
     * never rewrites origin's branch.
     */
    BranchMerge mergeIntoBranch(CachedRepo repo, String branch, String headSha, String otherSha, String message,
            String authorName, String authorEmail);

    /** Files, added and removed lines between the worktree's base and its HEAD commit. */
    DiffStat diffStat(Worktree worktree);

    /**
     * The lines each commit from the worktree's base to its HEAD adds, by file (every commit, not only the end
     * result: a push carries them all). Binary files have no lines.
     */
    java.util.Map<String, List<String>> addedLines(Worktree worktree);

    /**
     * Starts merging {@code otherSha} into the worktree's branch, in the worktree itself ({@code git merge --no-ff
     * --no-commit}): the merge state ({@code MERGE_HEAD}) lives in the worktree's admin folder, which no sandbox can
     * write, and conflicting files are left with their conflict markers. Returns the files that conflict (empty: the
     * merge went through cleanly and waits, uncommitted, for {@link #commitMerge}).
     */
    List<String> startMerge(Worktree worktree, String otherSha);

    /**
     * Commits the merge started by {@link #startMerge}: stages every file of the worktree and writes a merge commit with
     * exactly two parents, the worktree's HEAD and {@code otherSha} (whatever {@code MERGE_HEAD} says), moves the branch
     * to it only if it still points at that HEAD, and ends the merge state. Returns the merge commit.
     *
     * @throws GitException if an index entry is still unmerged or the branch moved meanwhile
     */
    String commitMerge(Worktree worktree, String otherSha, String message, String authorName, String authorEmail);

    /** Abandons a merge started by {@link #startMerge}: the worktree is reset to its HEAD and the merge state removed. */
    void abortMerge(Worktree worktree);
}
