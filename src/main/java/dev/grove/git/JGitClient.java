package dev.grove.git;

import dev.grove.model.DiffStat;
import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.errors.LockFailedException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GitClient} on JGit for the network and reads, and the git CLI ({@link GitCli}) for linked worktrees and
 * commits.
 *
 * <p>Cache: one bare clone per repository at {@code cacheDir/<owner>/<name>.git}, remote {@code origin} with fetch
 * refspec {@code +refs/heads/*:refs/remotes/origin/*}, so fetches never touch local task branches.
 *
 * <p>Locks: one in-process lock per cached clone (so one {@code JGitClient} per cache directory and JVM). It
 * serializes {@link #sync}, every write to the clone's shared {@code config} (the upstream set by a push, deleting a
 * branch) and the quick worktree bookkeeping (registering a worktree, {@code worktree prune}). The slow parts,
 * checking a worktree out, deleting its folder, commits and pushes of different branches, run in parallel. A git
 * step that loses a lock-file race with another process is retried a few times with backoff.
 *
 * <p>For a local origin (file:// or a path) pushes go through the real {@code git receive-pack}, so the origin's
 * hooks run as they would on a server; JGit's in-process receive-pack would skip them.
 *
 * <p>Worktrees and the clone are untrusted data (an agent works in one): JGit opens repositories by explicit git dir
 * with hooks off and no user or system config ({@link IsolatedJGit}); the git CLI is told its git dir, common dir and
 * work tree ({@link GitCli}); and the clone's config, hooks and attributes are checked against what Grove wrote
 * before every step and restored at every sync ({@link CommonDir}).
 *
 * <p>Credentials go only to Grove's in-memory credentials provider, which answers only for the clone URL's host
 * ({@link HostBoundCredentials}): never into a URL, an argument, the git config, a file or a log line.
 */
public final class JGitClient implements GitClient {

    private static final Logger LOG = LoggerFactory.getLogger(JGitClient.class);
    private static final String REMOTE = "origin";
    private static final String REMOTES_PREFIX = "refs/remotes/origin/";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int WORKTREE_ADD_ATTEMPTS = 6;

    /**
     * For a local origin (file:// or a path), push through the real {@code git receive-pack} rather than JGit's
     * in-process one, which skips the origin's hooks; "git receive-pack" itself would select the in-process one.
     */
    private static final String LOCAL_RECEIVE_PACK = "exec git receive-pack";

    private final Path cacheDir;
    private final GitCli cli;
    private final ConcurrentHashMap<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

    public JGitClient(Path cacheDir) {
        this(cacheDir, new GitCli());
    }

    JGitClient(Path cacheDir, GitCli cli) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.cli = cli;
        IsolatedJGit.isolate();
    }

    // ---- cache ---------------------------------------------------------------------------------------------------

    @Override
    public CachedRepo sync(RepoRef repo, String cloneUrl, GitCredentials credentials) {
        Path gitDir = gitDirFor(repo);
        return withRepoLock(gitDir, () -> {
            try {
                boolean fresh = !Files.isRegularFile(gitDir.resolve("HEAD"));
                if (fresh) {
                    Files.createDirectories(gitDir);
                    Git.init().setBare(true).setInitialBranch("main").setDirectory(gitDir.toFile())
                            .setFs(new IsolatedJGit.HooklessFS()).call().close();
                }
                List<String> undone = CommonDir.restore(gitDir, cloneUrl);
                if (!undone.isEmpty()) {
                    LOG.warn("the cached clone {} had been changed by someone other than Grove; undid: {}", gitDir,
                            String.join(", ", undone));
                }
                try (Repository r = open(gitDir); Git git = new Git(r)) {
                    FetchCommand fetch = git.fetch().setRemote(REMOTE).setRemoveDeletedRefs(true);
                    if (credentials != null) {
                        fetch.setCredentialsProvider(provider(credentials, cloneUrl));
                    }
                    fetch.call();
                }
                LOG.info("{} {} into {}", fresh ? "cloned" : "fetched", repo, gitDir);
                return new CachedRepo(repo, cloneUrl, gitDir);
            } catch (IOException | GitAPIException e) {
                throw new GitException("could not sync " + repo + " into " + gitDir + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public String remoteBranchHead(CachedRepo repo, String branch) {
        try (Repository r = open(repo.gitDir())) {
            Ref ref = r.exactRef(REMOTES_PREFIX + branch);
            if (ref == null || ref.getObjectId() == null) {
                throw new GitException("origin has no branch " + branch + " in " + repo.repo() + " (as of the last sync)");
            }
            return ref.getObjectId().name();
        } catch (IOException e) {
            throw new GitException("could not read origin/" + branch + " of " + repo.repo() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> branchNames(CachedRepo repo) {
        try (Repository r = open(repo.gitDir())) {
            Set<String> names = new TreeSet<>();
            for (Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                names.add(ref.getName().substring(Constants.R_HEADS.length()));
            }
            for (Ref ref : r.getRefDatabase().getRefsByPrefix(REMOTES_PREFIX)) {
                String name = ref.getName().substring(REMOTES_PREFIX.length());
                if (!name.equals(Constants.HEAD)) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new GitException("could not list the branches of " + repo.repo() + ": " + e.getMessage(), e);
        }
    }

    // ---- worktrees -----------------------------------------------------------------------------------------------

    @Override
    public Worktree addWorktree(CachedRepo repo, String branch, String startSha, Path dir) {
        Path gitDir = repo.gitDir();
        Path target = dir.toAbsolutePath().normalize();
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new GitException("not a valid branch name: " + branch);
        }
        if (localBranch(gitDir, branch).isPresent()) {
            throw new GitException("branch " + branch + " already exists in " + repo.repo()
                    + "; remove its worktree (removeWorktree) or pick another branch name");
        }
        // Two steps: registering the worktree and its branch is quick but races other git processes that read the
        // worktree list (git 2.39: "failed to read worktrees/<id>/commondir"), so it is serialized per repository;
        // the checkout, the slow part, then runs in parallel since it touches only the new worktree's own files.
        withRepoLock(gitDir, () -> {
            List<String> args = List.of("worktree", "add", "--no-checkout", "--no-track", "-b", branch,
                    target.toString(), startSha);
            CommonDir.verify(gitDir, repo.cloneUrl());
            GitCli.Result added = cli.runRetryingOnLocks(GitCli.Target.bare(gitDir), args, WORKTREE_ADD_ATTEMPTS,
                    () -> cleanUpHalfAddedWorktree(gitDir, branch, target));
            if (!added.ok()) {
                throw new GitException("could not add a worktree for " + branch + " at " + target + ": "
                        + added.describe());
            }
            return null;
        });
        Worktree added = new Worktree(repo, target, branch, startSha);
        GitCli.Result checkout = cli.runRetryingOnLocks(cliTarget(added), List.of("reset", "--hard", "--quiet", "HEAD"),
                WORKTREE_ADD_ATTEMPTS, () -> { });
        if (!checkout.ok()) {
            withRepoLock(gitDir, () -> {
                cleanUpHalfAddedWorktree(gitDir, branch, target);
                return null;
            });
            throw new GitException("could not check out " + startSha + " into " + target + ": " + checkout.describe());
        }
        LOG.info("added worktree {} on {} at {}", target, branch, startSha);
        return added;
    }

    /** After a failed {@code worktree add}: forget a half-made worktree and the branch it created. */
    private void cleanUpHalfAddedWorktree(Path gitDir, String branch, Path target) {
        deleteRecursively(target);
        cli.run(GitCli.Target.bare(gitDir), List.of("worktree", "prune"));
        if (localBranch(gitDir, branch).isPresent()) {
            deleteLocalBranch(gitDir, branch);
        }
    }

    @Override
    public Optional<String> currentBranch(Worktree worktree) {
        String head = readWorktreeHead(worktree);
        if (head.startsWith("ref: " + Constants.R_HEADS)) {
            return Optional.of(head.substring(("ref: " + Constants.R_HEADS).length()).strip());
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> commitAll(Worktree worktree, String message, String authorName, String authorEmail) {
        Path dir = worktree.dir();
        GitCli.Target target = cliTarget(worktree);
        cli.check(target, "add", "--all", "--", ".");
        GitCli.Result staged = cli.run(target, List.of("diff", "--cached", "--quiet", "--no-ext-diff"));
        if (staged.ok()) {
            return Optional.empty();
        }
        if (staged.exitCode() != 1) {
            throw new GitException("could not tell what is staged in " + dir + ": " + staged.describe());
        }
        cli.check(target, "-c", "user.name=" + authorName, "-c", "user.email=" + authorEmail,
                "-c", "commit.gpgSign=false", "commit", "--quiet", "--no-verify",
                "--author=" + authorName + " <" + authorEmail + ">", "-m", message);
        String sha = cli.check(target, "rev-parse", "--verify", "HEAD^{commit}");
        LOG.info("committed {} on {} in {}", sha, worktree.branch(), dir);
        return Optional.of(sha);
    }

    @Override
    public List<String> changedFiles(Worktree worktree) {
        try (Repository r = open(worktree.repo().gitDir()); RevWalk walk = new RevWalk(r);
                ObjectReader reader = r.newObjectReader()) {
            RevCommit base = walk.parseCommit(r.resolve(worktree.baseSha()));
            RevCommit head = walk.parseCommit(headId(r, worktree));
            CanonicalTreeParser oldTree = new CanonicalTreeParser(null, reader, base.getTree());
            CanonicalTreeParser newTree = new CanonicalTreeParser(null, reader, head.getTree());
            List<String> files = new ArrayList<>();
            try (Git git = new Git(r)) {
                for (DiffEntry entry : git.diff().setOldTree(oldTree).setNewTree(newTree).call()) {
                    files.add(entry.getChangeType() == DiffEntry.ChangeType.DELETE ? entry.getOldPath()
                            : entry.getNewPath());
                }
            }
            files.sort(Comparator.naturalOrder());
            return files;
        } catch (IOException | GitAPIException | RuntimeException e) {
            throw new GitException("could not diff " + worktree.baseSha() + "..HEAD in " + worktree.dir() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public int commitsAhead(Worktree worktree) {
        try (Repository r = open(worktree.repo().gitDir()); RevWalk walk = new RevWalk(r)) {
            walk.markStart(walk.parseCommit(headId(r, worktree)));
            walk.markUninteresting(walk.parseCommit(r.resolve(worktree.baseSha())));
            int count = 0;
            while (walk.next() != null) {
                count++;
            }
            return count;
        } catch (IOException | RuntimeException e) {
            throw new GitException("could not count commits in " + worktree.dir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String head(Worktree worktree) {
        try (Repository r = open(worktree.repo().gitDir())) {
            return headId(r, worktree).name();
        } catch (IOException e) {
            throw new GitException("could not read HEAD of " + worktree.dir() + ": " + e.getMessage(), e);
        }
    }

    // ---- push ----------------------------------------------------------------------------------------------------

    @Override
    public String push(CachedRepo repo, String branch, String protectedBranch, GitCredentials credentials) {
        PushGuard.check(branch, protectedBranch);
        String ref = Constants.R_HEADS + branch;
        String localSha = localBranch(repo.gitDir(), branch)
                .orElseThrow(() -> new GitException("there is no local branch " + branch + " to push in " + repo.repo()));

        CommonDir.verify(repo.gitDir(), repo.cloneUrl());
        try (Repository r = open(repo.gitDir()); Git git = new Git(r)) {
            PushCommand push = pushTo(git, repo, new RefSpec(ref + ":" + ref), credentials);
            for (PushResult result : push.call()) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    RemoteRefUpdate.Status status = update.getStatus();
                    if (status != RemoteRefUpdate.Status.OK && status != RemoteRefUpdate.Status.UP_TO_DATE) {
                        String why = update.getMessage() == null ? "" : " (" + update.getMessage() + ")";
                        String remoteSays = result.getMessages() == null || result.getMessages().isBlank() ? ""
                                : "; origin said: " + result.getMessages().strip();
                        throw new GitException("origin rejected the push of " + branch + ": " + status + why
                                + remoteSays);
                    }
                }
            }
        } catch (GitAPIException | IOException e) {
            throw new GitException("could not push " + branch + " of " + repo.repo() + ": " + e.getMessage(), e);
        }

        setUpstreamToItself(repo, branch);

        String onOrigin = readBack(repo, ref, credentials);
        if (!localSha.equals(onOrigin)) {
            correctTrackingRef(repo, branch, onOrigin);
            throw new GitException("origin does not hold " + localSha + " on " + branch + " after the push (it has "
                    + (onOrigin == null ? "no such branch" : onOrigin) + "); the branch was not published");
        }
        LOG.info("pushed {} of {} at {}", branch, repo.repo(), localSha);
        return onOrigin;
    }

    private void setUpstreamToItself(CachedRepo repo, String branch) {
        withRepoLock(repo.gitDir(), () -> {
            writeConfig(repo.gitDir(), config -> {
                config.setString("branch", branch, "remote", REMOTE);
                config.setString("branch", branch, "merge", Constants.R_HEADS + branch);
            });
            return null;
        });
    }

    /** Changes the clone's config, which must be what Grove last wrote; call under the clone's lock. */
    private void writeConfig(Path gitDir, java.util.function.Consumer<StoredConfig> change) {
        for (int attempt = 1; ; attempt++) {
            CommonDir.verify(gitDir, null);
            try (Repository r = open(gitDir)) {
                StoredConfig config = r.getConfig();
                config.load();
                change.accept(config);
                synchronized (CommonDir.lockOf(gitDir)) {
                    config.save();
                    CommonDir.written(gitDir);
                }
                return;
            } catch (LockFailedException e) {
                if (attempt >= 5) {
                    throw new GitException("could not write the config of " + gitDir + ": " + e.getMessage(), e);
                }
                pause(50L << attempt);
            } catch (IOException | org.eclipse.jgit.errors.ConfigInvalidException e) {
                throw new GitException("could not write the config of " + gitDir + ": " + e.getMessage(), e);
            }
        }
    }

    /** The commit origin holds for {@code ref} right now (ls-remote), or null when it has no such ref. */
    private String readBack(CachedRepo repo, String ref, GitCredentials credentials) {
        CommonDir.verify(repo.gitDir(), repo.cloneUrl());
        try (Repository r = open(repo.gitDir()); Git git = new Git(r)) {
            LsRemoteCommand ls = git.lsRemote().setRemote(REMOTE).setHeads(true);
            if (credentials != null) {
                ls.setCredentialsProvider(provider(credentials, repo.cloneUrl()));
            }
            Collection<Ref> refs = ls.call();
            return refs.stream().filter(x -> x.getName().equals(ref)).findFirst()
                    .map(x -> x.getObjectId().name()).orElse(null);
        } catch (GitAPIException | IOException e) {
            throw new GitException("pushed, but could not read " + ref + " back from origin for " + repo.repo() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Push updated refs/remotes/origin/B to what we sent; when origin does not actually hold it, the tracking ref
     * must say so too, or {@link #removeWorktree} would think the commits are safe on origin and delete the branch.
     */
    private void correctTrackingRef(CachedRepo repo, String branch, String onOrigin) {
        try (Repository r = open(repo.gitDir())) {
            RefUpdate update = r.updateRef(REMOTES_PREFIX + branch);
            update.setForceUpdate(true);
            if (onOrigin == null) {
                update.delete();
            } else {
                update.setNewObjectId(ObjectId.fromString(onOrigin));
                update.update();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not correct origin/{} in {}: {}", branch, repo.gitDir(), e.getMessage());
        }
    }

    // ---- clean-up ------------------------------------------------------------------------------------------------

    @Override
    public void removeWorktree(Worktree worktree, boolean deleteBranch) {
        Path gitDir = worktree.repo().gitDir();
        // Same as "git worktree remove --force --force", with only the quick bookkeeping under the repository lock.
        if (Files.exists(worktree.dir()) && !Files.isRegularFile(worktree.dir().resolve(".git"))) {
            throw new GitException("refusing to remove " + worktree.dir() + ": it is not a linked worktree");
        }
        deleteRecursively(worktree.dir());
        if (Files.exists(worktree.dir())) {
            throw new GitException("could not delete worktree folder " + worktree.dir());
        }
        withRepoLock(gitDir, () -> {
            CommonDir.verify(gitDir, worktree.repo().cloneUrl());
            return cli.check(GitCli.Target.bare(gitDir), "worktree", "prune");
        });
        LOG.info("removed worktree {}", worktree.dir());
        if (deleteBranch) {
            deleteBranchIfSafe(worktree);
        }
    }

    @Override
    public void discardLocalBranch(CachedRepo repo, String branch) {
        Path gitDir = repo.gitDir();
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new GitException("not a valid branch name: " + branch);
        }
        withRepoLock(gitDir, () -> {
            if (localBranch(gitDir, branch).isPresent()) {
                deleteLocalBranch(gitDir, branch);
                LOG.info("discarded local branch {} in {}: it was never pushed", branch, gitDir);
            }
            return null;
        });
    }

    /**
     * Deletes the local branch when every commit on it is reachable from origin's branches (as last fetched or
     * pushed) or it never moved from its base; otherwise keeps it. Returns whether it was deleted.
     */
    boolean deleteBranchIfSafe(Worktree worktree) {
        Path gitDir = worktree.repo().gitDir();
        String branch = worktree.branch();
        return withRepoLock(gitDir, () -> {
            Optional<String> tip = localBranch(gitDir, branch);
            if (tip.isEmpty()) {
                return false;
            }
            if (!tip.get().equals(worktree.baseSha()) && !allOnOrigin(gitDir, tip.get())) {
                LOG.warn("kept branch {} in {}: it holds commits origin does not have", branch, gitDir);
                return false;
            }
            try {
                deleteLocalBranch(gitDir, branch);
            } catch (GitException e) {
                LOG.warn("kept branch {} in {}: {}", branch, gitDir, e.getMessage());
                return false;
            }
            LOG.info("deleted branch {} in {}", branch, gitDir);
            return true;
        });
    }

    private boolean allOnOrigin(Path gitDir, String tip) {
        try (Repository r = open(gitDir); RevWalk walk = new RevWalk(r)) {
            walk.markStart(walk.parseCommit(ObjectId.fromString(tip)));
            for (Ref ref : r.getRefDatabase().getRefsByPrefix(REMOTES_PREFIX)) {
                ObjectId id = ref.getObjectId();
                if (id != null) {
                    walk.markUninteresting(walk.parseCommit(id));
                }
            }
            return walk.next() == null;
        } catch (IOException e) {
            throw new GitException("could not check whether " + tip + " is on origin: " + e.getMessage(), e);
        }
    }

    @Override
    public void pruneAll() {
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        try (Stream<Path> owners = Files.list(cacheDir)) {
            for (Path owner : owners.filter(Files::isDirectory).toList()) {
                try (Stream<Path> repos = Files.list(owner)) {
                    for (Path gitDir : repos.filter(p -> p.getFileName().toString().endsWith(".git")
                            && Files.isRegularFile(p.resolve("HEAD"))).toList()) {
                        GitCli.Result result = withRepoLock(gitDir, () -> {
                            try {
                                CommonDir.verify(gitDir, null);
                            } catch (GitException e) {
                                return new GitCli.Result(List.of("worktree", "prune"), -1, "", e.getMessage());
                            }
                            return cli.run(GitCli.Target.bare(gitDir), List.of("worktree", "prune"));
                        });
                        if (!result.ok()) {
                            LOG.warn("could not prune worktrees of {}: {}", gitDir, result.describe());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new GitException("could not list the cache " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    // ---- reading trees, merging in memory, deleting branches ------------------------------------------------------

    @Override
    public List<String> listFiles(CachedRepo repo, String commitSha) {
        try (Repository r = open(repo.gitDir()); RevWalk walk = new RevWalk(r);
                TreeWalk tw = new TreeWalk(r)) {
            tw.addTree(walk.parseCommit(ObjectId.fromString(commitSha)).getTree());
            tw.setRecursive(true);
            List<String> files = new ArrayList<>();
            while (tw.next()) {
                files.add(tw.getPathString());
            }
            files.sort(Comparator.naturalOrder());
            return files;
        } catch (IOException | RuntimeException e) {
            throw new GitException("could not list the files of " + commitSha + " in " + repo.repo() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public MergeCheck mergeCheck(CachedRepo repo, String baseSha, java.util.Map<String, String> tips) {
        List<String> names = new ArrayList<>(tips.keySet());
        try (Repository r = open(repo.gitDir()); RevWalk walk = new RevWalk(r)) {
            List<MergeCheck.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                for (int j = i + 1; j < names.size(); j++) {
                    ResolveMerger m = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(r, true);
                    boolean ok = m.merge(ObjectId.fromString(tips.get(names.get(i))),
                            ObjectId.fromString(tips.get(names.get(j))));
                    pairs.add(new MergeCheck.Pair(names.get(i), names.get(j), ok ? List.of() : unmerged(m)));
                }
            }
            RevTree base = walk.parseCommit(ObjectId.fromString(baseSha)).getTree();
            ObjectId together = base;
            Set<String> conflicts = new TreeSet<>();
            List<String> notMerged = new ArrayList<>();
            List<RevCommit> mergedTips = new ArrayList<>();
            for (String name : names) {
                ResolveMerger m = (ResolveMerger) MergeStrategy.RESOLVE.newMerger(r, true);
                RevCommit tipCommit = walk.parseCommit(ObjectId.fromString(tips.get(name)));
                // a branch stacked on one merged in already holds its changes: only what it adds on top is merged
                m.setBase(stackedOn(r, tipCommit, mergedTips).map(RevCommit::getTree).orElse(base));
                RevTree tip = tipCommit.getTree();
                if (m.merge(together, tip)) {
                    together = m.getResultTreeId();
                    mergedTips.add(tipCommit);
                } else {
                    conflicts.addAll(unmerged(m));
                    notMerged.add(name);
                }
            }
            return new MergeCheck(names, pairs, List.copyOf(conflicts), notMerged);
        } catch (IOException | RuntimeException e) {
            throw new GitException("could not merge the branches " + names + " of " + repo.repo() + " in memory: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public BranchMerge mergeIntoBranch(CachedRepo repo, String branch, String headSha, String otherSha, String message,
            String authorName, String authorEmail) {
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new GitException("not a valid branch name: " + branch);
        }
        Path gitDir = repo.gitDir();
        CommonDir.verify(gitDir, repo.cloneUrl());
        return withRepoLock(gitDir, () -> {
            try (Repository r = open(gitDir); RevWalk walk = new RevWalk(r)) {
                RevCommit head = walk.parseCommit(ObjectId.fromString(headSha));
                RevCommit other = walk.parseCommit(ObjectId.fromString(otherSha));
                if (walk.isMergedInto(other, head)) {
                    pointBranch(r, branch, head);
                    return new BranchMerge(head.name(), false, List.of());
                }
                walk.reset();
                if (walk.isMergedInto(head, other)) {
                    pointBranch(r, branch, other);
                    return new BranchMerge(other.name(), true, List.of());
                }
                ResolveMerger m = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(r, true);
                if (!m.merge(head, other)) {
                    return new BranchMerge(head.name(), false, unmerged(m));
                }
                org.eclipse.jgit.lib.PersonIdent who = new org.eclipse.jgit.lib.PersonIdent(authorName, authorEmail);
                org.eclipse.jgit.lib.CommitBuilder commit = new org.eclipse.jgit.lib.CommitBuilder();
                commit.setTreeId(m.getResultTreeId());
                commit.setParentIds(head, other);
                commit.setAuthor(who);
                commit.setCommitter(who);
                commit.setMessage(message);
                ObjectId merged;
                try (org.eclipse.jgit.lib.ObjectInserter ins = r.newObjectInserter()) {
                    merged = ins.insert(commit);
                    ins.flush();
                }
                pointBranch(r, branch, merged);
                return new BranchMerge(merged.name(), true, List.of());
            } catch (IOException e) {
                throw new GitException("could not merge " + otherSha + " into " + branch + " of " + repo.repo() + ": "
                        + e.getMessage(), e);
            }
        });
    }

    /** Points the local branch at {@code id} (made if missing); called under the clone's lock. */
    private static void pointBranch(Repository r, String branch, ObjectId id) throws IOException {
        RefUpdate u = r.updateRef(Constants.R_HEADS + branch);
        u.setNewObjectId(id);
        u.setForceUpdate(true);
        RefUpdate.Result res = u.update();
        if (res != RefUpdate.Result.NEW && res != RefUpdate.Result.FORCED && res != RefUpdate.Result.FAST_FORWARD
                && res != RefUpdate.Result.NO_CHANGE) {
            throw new GitException("could not point " + branch + " at " + id.name() + ": " + res);
        }
    }

    /** The newest of {@code candidates} that {@code tip} descends from, if any. */
    private static Optional<RevCommit> stackedOn(Repository r, RevCommit tip, List<RevCommit> candidates)
            throws IOException {
        RevCommit best = null;
        try (RevWalk w = new RevWalk(r)) {
            for (RevCommit c : candidates) {
                w.reset();
                if (!w.isMergedInto(w.parseCommit(c), w.parseCommit(tip))) continue;
                w.reset();
                if (best == null || w.isMergedInto(w.parseCommit(best), w.parseCommit(c))) best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    private static List<String> unmerged(ResolveMerger m) {
        Set<String> files = new TreeSet<>(m.getUnmergedPaths());
        if (m.getFailingPaths() != null) {
            files.addAll(m.getFailingPaths().keySet());
        }
        return List.copyOf(files);
    }

    /** A push of exactly {@code spec} to origin, never forced, through real receive-pack for local origins. */
    private PushCommand pushTo(Git git, CachedRepo repo, RefSpec spec, GitCredentials credentials) {
        PushCommand push = git.push().setRemote(REMOTE).setRefSpecs(spec).setForce(false);
        if (isLocal(repo.cloneUrl())) {
            push.setReceivePack(LOCAL_RECEIVE_PACK);
        }
        if (credentials != null) {
            push.setCredentialsProvider(provider(credentials, repo.cloneUrl()));
        }
        return push;
    }

    @Override
    public void deleteBranch(CachedRepo repo, String branch, String protectedBranch, GitCredentials credentials) {
        PushGuard.check(branch, protectedBranch);
        String ref = Constants.R_HEADS + branch;
        CommonDir.verify(repo.gitDir(), repo.cloneUrl());
        try (Repository r = open(repo.gitDir()); Git git = new Git(r)) {
            PushCommand push = pushTo(git, repo, new RefSpec(":" + ref), credentials);
            for (PushResult result : push.call()) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    RemoteRefUpdate.Status status = update.getStatus();
                    if (status != RemoteRefUpdate.Status.OK && status != RemoteRefUpdate.Status.NON_EXISTING) {
                        throw new GitException("origin refused to delete " + branch + ": " + status
                                + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
                    }
                }
            }
        } catch (GitAPIException | IOException e) {
            throw new GitException("could not delete " + branch + " on origin of " + repo.repo() + ": "
                    + e.getMessage(), e);
        }
        if (readBack(repo, ref, credentials) != null) {
            throw new GitException("origin still has " + branch + " after deleting it");
        }
        withRepoLock(repo.gitDir(), () -> {
            try (Repository r = open(repo.gitDir())) {
                for (String name : List.of(ref, REMOTES_PREFIX + branch)) {
                    if (r.exactRef(name) != null) {
                        RefUpdate u = r.updateRef(name);
                        u.setForceUpdate(true);
                        RefUpdate.Result res = u.delete();
                        if (res != RefUpdate.Result.FORCED && res != RefUpdate.Result.NO_CHANGE) {
                            throw new GitException("could not delete " + name + " in " + repo.repo() + ": " + res);
                        }
                    }
                }
            } catch (IOException e) {
                throw new GitException("could not delete " + branch + " in " + repo.repo() + ": " + e.getMessage(), e);
            }
            writeConfig(repo.gitDir(), config -> config.unsetSection("branch", branch));
            return null;
        });
        LOG.info("deleted branch {} of {} here and on origin", branch, repo.repo());
    }

    @Override
    public DiffStat diffStat(Worktree worktree) {
        String out = cli.check(cliTarget(worktree), "diff", "--numstat", "--no-renames", "--no-ext-diff",
                "--no-textconv", worktree.baseSha(), "HEAD");
        int files = 0;
        int added = 0;
        int removed = 0;
        for (String line : out.split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length < 3) continue;
            files++;
            added += cols[0].equals("-") ? 0 : Integer.parseInt(cols[0]);
            removed += cols[1].equals("-") ? 0 : Integer.parseInt(cols[1]);
        }
        return new DiffStat(files, added, removed);
    }

    @Override
    public Map<String, List<String>> addedLines(Worktree worktree) {
        String out = cli.check(cliTarget(worktree), "-c", "core.quotePath=false", "log", "-p", "--cc", "--format=",
                "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color", "-U0", worktree.baseSha() + "..HEAD");
        return parseAddedLines(out);
    }

    /**
     * The added lines of {@code git log -p --cc -U0} output, by file. A merge commit's combined diff has one column
     * per parent: a line is added when a column says {@code +} and none says {@code -} (so what a conflict resolution
     * writes that neither parent had, or took from one of them, is scanned like any commit's lines).
     */
    static Map<String, List<String>> parseAddedLines(String patch) {
        Map<String, List<String>> added = new java.util.LinkedHashMap<>();
        String file = null;
        boolean inHunk = false;
        int columns = 1;
        for (String line : patch.split("\n", -1)) {
            if (line.startsWith("diff --git ") || line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
                inHunk = false;
                file = null;
                columns = 1;
            } else if (inHunk && columns > 1 && file != null) {
                if (line.length() >= columns) {
                    String marks = line.substring(0, columns);
                    if (marks.indexOf('+') >= 0 && marks.indexOf('-') < 0 && marks.replace("+", "").isBlank()) {
                        added.computeIfAbsent(file, f -> new ArrayList<>()).add(line.substring(columns));
                    }
                }
                if (line.startsWith("@@")) {
                    columns = Math.max(1, leadingAts(line) - 1);
                }
            } else if (!inHunk && line.startsWith("+++ ")) {
                String name = line.substring(4);
                if (name.endsWith("\t")) name = name.substring(0, name.length() - 1); // git's mark of a name with a space
                if (name.startsWith("\"") && name.endsWith("\"")) name = name.substring(1, name.length() - 1);
                file = name.startsWith("b/") ? name.substring(2) : name;
            } else if (line.startsWith("@@")) {
                inHunk = true;
                columns = Math.max(1, leadingAts(line) - 1);
            } else if (inHunk && file != null && line.startsWith("+")) {
                added.computeIfAbsent(file, f -> new ArrayList<>()).add(line.substring(1));
            }
        }
        return added;
    }

    private static int leadingAts(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == '@') n++;
        return n;
    }

    // ---- merging the base in a worktree ----------------------------------------------------------------------

    @Override
    public List<String> startMerge(Worktree worktree, String otherSha) {
        if (!ObjectId.isId(otherSha)) {
            throw new GitException("not a commit id: " + otherSha);
        }
        GitCli.Target target = cliTarget(worktree);
        GitCli.Result merged = cli.run(target, List.of("-c", "user.name=" + "grove", "-c", "user.email=" + "grove@invalid",
                "-c", "merge.conflictStyle=merge", "-c", "commit.gpgSign=false", "merge", "--no-ff", "--no-commit",
                "--no-edit", "--quiet", otherSha));
        wroteInto(worktree);
        boolean inMerge = Files.isRegularFile(adminDir(worktree).resolve("MERGE_HEAD"),
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (merged.exitCode() > 1 || (!merged.ok() && !inMerge)) {
            cli.run(target, List.of("reset", "--hard", "--quiet", "HEAD"));
            throw new GitException("could not start merging " + otherSha + " into " + worktree.branch() + ": "
                    + merged.describe());
        }
        String out = cli.check(target, "-c", "core.quotePath=false", "diff", "--name-only", "--diff-filter=U",
                "--no-ext-diff");
        List<String> files = out.isBlank() ? List.of() : out.lines().filter(l -> !l.isBlank()).sorted().toList();
        LOG.info("merging {} into {} in {}: {}", otherSha, worktree.branch(), worktree.dir(),
                files.isEmpty() ? "clean" : "conflicts in " + files);
        return files;
    }

    @Override
    public String commitMerge(Worktree worktree, String otherSha, String message, String authorName,
            String authorEmail) {
        if (!ObjectId.isId(otherSha)) {
            throw new GitException("not a commit id: " + otherSha);
        }
        GitCli.Target target = cliTarget(worktree);
        cli.check(target, "add", "--all", "--", ".");
        String unmerged = cli.check(target, "ls-files", "--unmerged");
        if (!unmerged.isBlank()) {
            throw new GitException("the merge into " + worktree.branch() + " still has unmerged files");
        }
        String head = head(worktree);
        String tree = cli.check(target, "write-tree");
        String commit = cli.check(target, "-c", "user.name=" + authorName, "-c", "user.email=" + authorEmail,
                "commit-tree", tree, "-p", head, "-p", otherSha, "-m", message);
        cli.check(target, "update-ref", "-m", "grove: merge " + otherSha, Constants.R_HEADS + worktree.branch(),
                commit, head);
        cli.check(target, "merge", "--quit");
        LOG.info("committed the merge {} of {} into {} in {}", commit, otherSha, worktree.branch(), worktree.dir());
        return commit;
    }

    @Override
    public void abortMerge(Worktree worktree) {
        cli.check(cliTarget(worktree), "reset", "--hard", "--quiet", "HEAD");
        wroteInto(worktree);
    }

    /**
     * Grove's own git wrote files into a worktree that already exists (a merge started or undone): those files are
     * Grove's, and its umask keeps them from the worktree's sandbox uid. The worktree's top folder goes back to Grove,
     * which tells the sandbox to hand the whole worktree over again at its next launch (it checks only the top folder,
     * see sandbox/Sandbox#handOver). Nothing to do where Grove does not run as root: then sandboxes run as Grove's uid.
     */
    private static void wroteInto(Worktree worktree) {
        try {
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object top = Files.getAttribute(worktree.dir(), "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!self.equals(top) && Integer.valueOf(0).equals(self)) {
                Files.setAttribute(worktree.dir(), "unix:uid", 0, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not take back the top folder of {}: {}", worktree.dir(), e.toString());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private Path gitDirFor(RepoRef repo) {
        for (String part : List.of(repo.owner(), repo.name())) {
            if (!SAFE_NAME.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                throw new GitException("refusing to cache a repository named " + repo + ": unsafe path component");
            }
        }
        return cacheDir.resolve(repo.owner()).resolve(repo.name() + ".git");
    }

    private <T> T withRepoLock(Path gitDir, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(gitDir.toAbsolutePath().normalize(), k -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private Optional<String> localBranch(Path gitDir, String branch) {
        try (Repository r = open(gitDir)) {
            Ref ref = r.exactRef(Constants.R_HEADS + branch);
            return ref == null || ref.getObjectId() == null ? Optional.empty() : Optional.of(ref.getObjectId().name());
        } catch (IOException e) {
            throw new GitException("could not read branch " + branch + " in " + gitDir + ": " + e.getMessage(), e);
        }
    }

    private static Repository open(Path gitDir) throws IOException {
        return IsolatedJGit.open(gitDir);
    }

    private static HostBoundCredentials provider(GitCredentials credentials, String cloneUrl) {
        return new HostBoundCredentials(credentials, cloneUrl);
    }

    /**
     * The worktree's own folder in the clone ({@code worktrees/<id>}), found from the clone's side: the one whose
     * {@code gitdir} names this worktree. The worktree's {@code .git} file is never read.
     */
    static Path adminDir(Worktree worktree) {
        Path common = worktree.repo().gitDir();
        Path dir = worktree.dir().toAbsolutePath().normalize();
        // git records the real path (a data folder reached through a symbolic link is resolved)
        Set<String> expected = new java.util.HashSet<>(List.of(dir.resolve(".git").toString()));
        try {
            expected.add(dir.getParent().toRealPath().resolve(dir.getFileName()).resolve(".git").toString());
        } catch (IOException | RuntimeException e) {
            // no parent folder: only the path as given can match
        }
        Path worktrees = common.resolve("worktrees");
        if (Files.isDirectory(worktrees, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> ids = Files.list(worktrees)) {
                for (Path id : ids.toList()) {
                    Path gitdir = id.resolve("gitdir");
                    if (Files.isRegularFile(gitdir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && expected.contains(Files.readString(gitdir).strip())) {
                        return id;
                    }
                }
            } catch (IOException e) {
                throw new GitException("could not list the worktrees of " + common + ": " + e.getMessage(), e);
            }
        }
        throw new GitException(worktree.dir() + " is not a worktree of " + common);
    }

    /** The git CLI's view of a worktree: its admin folder, the clone and the folder; the clone checked first. */
    private static GitCli.Target cliTarget(Worktree worktree) {
        CommonDir.verify(worktree.repo().gitDir(), worktree.repo().cloneUrl());
        return new GitCli.Target(adminDir(worktree), worktree.repo().gitDir(), worktree.dir());
    }

    /** The worktree's HEAD file, as written ({@code ref: refs/heads/B} or a commit id). */
    private static String readWorktreeHead(Worktree worktree) {
        Path head = adminDir(worktree).resolve(Constants.HEAD);
        try {
            if (!Files.isRegularFile(head, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new GitException("worktree " + worktree.dir() + " has no HEAD");
            }
            return Files.readString(head).strip();
        } catch (IOException e) {
            throw new GitException("could not read HEAD of " + worktree.dir() + ": " + e.getMessage(), e);
        }
    }

    /** The commit the worktree's HEAD points at, resolved in the clone. */
    private static ObjectId headId(Repository clone, Worktree worktree) throws IOException {
        String head = readWorktreeHead(worktree);
        ObjectId id;
        if (head.startsWith("ref: ")) {
            String ref = head.substring("ref: ".length()).strip();
            if (!ref.startsWith(Constants.R_HEADS) || !Repository.isValidRefName(ref)) {
                throw new GitException("worktree " + worktree.dir() + " has HEAD at " + ref + ", not a branch");
            }
            Ref r = clone.exactRef(ref);
            id = r == null ? null : r.getObjectId();
        } else {
            id = ObjectId.isId(head) ? ObjectId.fromString(head) : null;
        }
        if (id == null) {
            throw new GitException("worktree " + worktree.dir() + " has no HEAD commit");
        }
        return id;
    }

    /** Deletes a local branch and its config section; call under the clone's lock. */
    private void deleteLocalBranch(Path gitDir, String branch) {
        try (Repository r = open(gitDir)) {
            RefUpdate u = r.updateRef(Constants.R_HEADS + branch);
            u.setForceUpdate(true);
            RefUpdate.Result res = u.delete();
            if (res != RefUpdate.Result.FORCED && res != RefUpdate.Result.NO_CHANGE) {
                throw new GitException("could not delete branch " + branch + " in " + gitDir + ": " + res);
            }
        } catch (IOException e) {
            throw new GitException("could not delete branch " + branch + " in " + gitDir + ": " + e.getMessage(), e);
        }
        writeConfig(gitDir, config -> config.unsetSection("branch", branch));
    }

    static boolean isLocal(String cloneUrl) {
        try {
            String scheme = new URIish(cloneUrl).getScheme();
            return scheme == null || scheme.equals("file");
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", path, e.getMessage());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitException("interrupted", e);
        }
    }
}
