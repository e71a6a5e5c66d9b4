package dev.grove.git;

import static dev.grove.testing.GitFixtures.commitOnOrigin;
import static dev.grove.testing.GitFixtures.fileUrl;
import static dev.grove.testing.GitFixtures.originBranchSha;
import static dev.grove.testing.GitFixtures.refs;
import static dev.grove.testing.GitFixtures.runGit;
import static dev.grove.testing.GitFixtures.tryGit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.testing.GitFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitClientIT {

    private static final RepoRef REPO = new RepoRef("acme", "demo");

    @TempDir
    Path tmp;

    private Path origin;
    private JGitClient git;
    private CachedRepo cached;
    private String mainSha;

    @BeforeEach
    void setUp() {
        origin = GitFixtures.createOrigin(tmp);
        git = new JGitClient(tmp.resolve("cache"));
        cached = git.sync(REPO, fileUrl(origin), null);
        mainSha = originBranchSha(origin, "main");
    }

    private Worktree task(String branch) {
        return git.addWorktree(cached, branch, mainSha, tmp.resolve("wt").resolve(branch.replace('/', '-')));
    }

    private Worktree taskWithCommit(String branch) throws Exception {
        Worktree wt = task(branch);
        Files.writeString(wt.dir().resolve("NOTES.md"), "work of " + branch + "\n");
        git.commitAll(wt, "Work on " + branch, "Grove Agent", "agent@grove.invalid").orElseThrow();
        return wt;
    }

    @Test
    void syncClonesIntoTheCacheAndASecondSyncFetchesNewCommits() {
        assertEquals(tmp.resolve("cache/acme/demo.git").toAbsolutePath(), cached.gitDir());
        assertEquals("true", runGit(cached.gitDir(), "config", "core.bare"));
        assertEquals("+refs/heads/*:refs/remotes/origin/*", runGit(cached.gitDir(), "config", "remote.origin.fetch"));
        assertEquals(mainSha, git.remoteBranchHead(cached, "main"));

        String newer = commitOnOrigin(origin, "main", "CHANGELOG.md", "v2\n", "Second commit");
        assertEquals(mainSha, git.remoteBranchHead(cached, "main"), "nothing moves before the next sync");
        CachedRepo again = git.sync(REPO, fileUrl(origin), null);
        assertEquals(cached.gitDir(), again.gitDir());
        assertEquals(newer, git.remoteBranchHead(again, "main"));
        assertThrows(GitException.class, () -> git.remoteBranchHead(again, "no-such-branch"));
    }

    @Test
    void syncPrunesDeletedOriginBranchesButNeverTouchesLocalOnes() throws Exception {
        commitOnOrigin(origin, "release", "R.md", "r\n", "release");
        git.sync(REPO, fileUrl(origin), null);
        Worktree wt = taskWithCommit("grove/1-keep");
        runGit(origin, "branch", "-D", "release");
        git.sync(REPO, fileUrl(origin), null);
        assertFalse(git.branchNames(cached).contains("release"));
        assertEquals(git.head(wt), runGit(cached.gitDir(), "rev-parse", "refs/heads/grove/1-keep"));
    }

    @Test
    void branchNamesListsLocalAndOriginBranches() {
        commitOnOrigin(origin, "feature/remote", "F.md", "f\n", "feature");
        git.sync(REPO, fileUrl(origin), null);
        task("grove/7-local");
        assertEquals(Set.of("main", "feature/remote", "grove/7-local"), git.branchNames(cached));
    }

    @Test
    void sixConcurrentAddWorktreeCallsAllSucceedOnTheirOwnUntrackedBranches() throws Exception {
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Worktree>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String branch = "grove/42-task-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task(branch);
                }));
            }
            start.countDown();
            Set<String> branches = new HashSet<>();
            for (Future<Worktree> future : futures) {
                Worktree wt = future.get();
                assertEquals(Optional.of(wt.branch()), git.currentBranch(wt));
                assertEquals(mainSha, git.head(wt));
                assertTrue(Files.isRegularFile(wt.dir().resolve("README.md")));
                assertEquals(1, tryGit(cached.gitDir(), "config", "--get", "branch." + wt.branch() + ".merge").exitCode(),
                        "a new task branch tracks nothing");
                assertEquals(1, tryGit(cached.gitDir(), "config", "--get", "branch." + wt.branch() + ".remote").exitCode());
                branches.add(wt.branch());
            }
            assertEquals(n, branches.size());
            assertEquals("", tryGit(cached.gitDir(), "fsck", "--no-progress").output()
                    .replaceAll("(?m)^(dangling|notice: HEAD points to an unborn branch).*$", "").strip());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void addWorktreeRefusesABranchThatAlreadyExists() {
        task("grove/5-a");
        assertThrows(GitException.class,
                () -> git.addWorktree(cached, "grove/5-a", mainSha, tmp.resolve("wt/other")));
    }

    @Test
    void commitAllStagesNewModifiedAndDeletedFilesWithTheGivenIdentity() throws Exception {
        Worktree wt = task("grove/9-edit");
        assertEquals(Optional.empty(), git.commitAll(wt, "nothing", "Grove Agent", "agent@grove.invalid"));

        Files.writeString(wt.dir().resolve("NEW.md"), "new\n");
        Files.writeString(wt.dir().resolve("README.md"), "changed\n");
        Files.delete(wt.dir().resolve("docs/guide.md"));
        String sha = git.commitAll(wt, "Edit files", "Grove Agent", "agent@grove.invalid").orElseThrow();

        assertEquals(sha, git.head(wt));
        assertEquals(1, git.commitsAhead(wt));
        assertEquals(List.of("NEW.md", "README.md", "docs/guide.md"), git.changedFiles(wt));
        assertEquals("Grove Agent|agent@grove.invalid|Grove Agent|agent@grove.invalid|Edit files",
                runGit(wt.dir(), "log", "-1", "--format=%an|%ae|%cn|%ce|%s"));
        assertEquals("", runGit(wt.dir(), "status", "--porcelain"));
        assertEquals(Optional.empty(), git.commitAll(wt, "again", "Grove Agent", "agent@grove.invalid"));
    }

    @Test
    void pushLandsTheTaskBranchAndNothingElse() throws Exception {
        Worktree wt = taskWithCommit("grove/12-fix");
        String local = git.head(wt);

        String pushed = git.push(cached, "grove/12-fix", "main", null);

        assertEquals(local, pushed);
        assertEquals(local, originBranchSha(origin, "grove/12-fix"));
        assertEquals(mainSha, originBranchSha(origin, "main"), "origin main unchanged");
        assertEquals("1", runGit(origin, "rev-list", "--count", "main..grove/12-fix"));
        assertEquals(mainSha, runGit(origin, "rev-parse", "grove/12-fix^"));
        assertEquals("NOTES.md", runGit(origin, "diff", "--name-only", "main", "grove/12-fix"));
        assertEquals("origin", runGit(cached.gitDir(), "config", "branch.grove/12-fix.remote"));
        assertEquals("refs/heads/grove/12-fix", runGit(cached.gitDir(), "config", "branch.grove/12-fix.merge"));
        assertEquals(local, git.remoteBranchHead(cached, "grove/12-fix"));
        assertEquals(Set.of("refs/heads/main", "refs/heads/grove/12-fix"), refs(origin).keySet());
    }

    @Test
    void theGuardRefusesEveryPushOutsideGrovesBranches() throws Exception {
        // Give the clone real branches behind the forbidden names, so only the guard stands in the way.
        Worktree wt = taskWithCommit("grove/13-evil");
        String evil = git.head(wt);
        runGit(cached.gitDir(), "branch", "-f", "feature/x", evil);
        runGit(cached.gitDir(), "update-ref", "refs/heads/main", evil);
        Map<String, String> before = refs(origin);

        for (String branch : List.of("main", "feature/x", "grove", "grove/../main", "HEAD", "refs/heads/main")) {
            assertThrows(PushRefusedException.class, () -> git.push(cached, branch, "main", null), branch);
        }

        assertEquals(before, refs(origin));
        assertEquals(mainSha, originBranchSha(origin, "main"));
    }

    @Test
    void pushFailsWhenOriginDoesNotHoldThePushedCommitAfterwards() throws Exception {
        GitFixtures.installHook(origin, "post-receive",
                "while read old new ref; do git update-ref \"$ref\" \"$(git rev-parse refs/heads/main)\"; done");
        Worktree wt = taskWithCommit("grove/14-moved");

        GitException e = assertThrows(GitException.class, () -> git.push(cached, "grove/14-moved", "main", null));

        assertFalse(e instanceof PushRefusedException);
        assertTrue(e.getMessage().contains("origin does not hold " + git.head(wt)), e.getMessage());
        assertEquals(mainSha, originBranchSha(origin, "grove/14-moved"));
        // the clone must not believe the commit is safe on origin
        assertNotEquals(git.head(wt), git.remoteBranchHead(cached, "grove/14-moved"));
        git.removeWorktree(wt, true);
        assertEquals(0, tryGit(cached.gitDir(), "rev-parse", "--verify", "refs/heads/grove/14-moved").exitCode(),
                "a branch whose commits origin does not hold is kept");
    }

    @Test
    void aRejectedPushIsAGitException() throws Exception {
        GitFixtures.installHook(origin, "pre-receive", "echo 'no pushes today' >&2\nexit 1");
        taskWithCommit("grove/15-rejected");
        Map<String, String> before = refs(origin);

        GitException e = assertThrows(GitException.class, () -> git.push(cached, "grove/15-rejected", "main", null));

        assertFalse(e instanceof PushRefusedException);
        assertTrue(e.getMessage().contains("rejected"), e.getMessage());
        assertEquals(before, refs(origin));
    }

    @Test
    void removeWorktreeKeepsABranchWithUnpushedCommitsAndDeletesAPushedOne() throws Exception {
        Worktree unpushed = taskWithCommit("grove/16-unpushed");
        Worktree pushed = taskWithCommit("grove/16-pushed");
        Worktree untouched = task("grove/16-untouched");
        git.push(cached, "grove/16-pushed", "main", null);

        git.removeWorktree(unpushed, true);
        git.removeWorktree(pushed, true);
        git.removeWorktree(untouched, true);

        assertFalse(Files.exists(unpushed.dir()));
        assertFalse(Files.exists(pushed.dir()));
        Set<String> names = git.branchNames(cached);
        assertTrue(names.contains("grove/16-unpushed"), names.toString());
        assertTrue(names.contains("grove/16-pushed"), "still on origin");
        assertEquals(0, tryGit(cached.gitDir(), "rev-parse", "--verify", "refs/heads/grove/16-unpushed").exitCode());
        assertEquals(1, tryGit(cached.gitDir(), "rev-parse", "--verify", "--quiet", "refs/heads/grove/16-pushed").exitCode());
        assertEquals(1, tryGit(cached.gitDir(), "rev-parse", "--verify", "--quiet", "refs/heads/grove/16-untouched").exitCode());
        assertEquals(1, tryGit(cached.gitDir(), "config", "--get", "branch.grove/16-pushed.merge").exitCode());
        assertEquals("", runGit(cached.gitDir(), "worktree", "list", "--porcelain")
                .lines().filter(l -> l.startsWith("worktree ") && !l.endsWith(".git")).reduce("", String::concat));
    }

    @Test
    void pruneAllForgetsAWorktreeWhoseFolderWasDeletedByHand() throws Exception {
        Worktree wt = task("grove/17-gone");
        assertTrue(runGit(cached.gitDir(), "worktree", "list").contains(wt.dir().toString()));
        GitFixtures.deleteRecursively(wt.dir());

        git.pruneAll();

        assertFalse(runGit(cached.gitDir(), "worktree", "list").contains(wt.dir().toString()));
        // and the branch is free again for a new worktree
        runGit(cached.gitDir(), "branch", "-D", "grove/17-gone");
        Worktree again = task("grove/17-gone");
        assertEquals(Optional.of("grove/17-gone"), git.currentBranch(again));
    }

    @Test
    void credentialsNeverReachTheCloneConfig() throws Exception {
        GitCredentials secret = GitCredentials.installationToken("ghs_SECRET_TOKEN_123");
        Path otherOrigin = GitFixtures.createOrigin(tmp, "other.git");
        CachedRepo repo = git.sync(new RepoRef("acme", "other"), fileUrl(otherOrigin), secret);
        Worktree wt = git.addWorktree(repo, "grove/18-secret", git.remoteBranchHead(repo, "main"), tmp.resolve("wt18"));
        Files.writeString(wt.dir().resolve("S.md"), "s\n");
        git.commitAll(wt, "s", "Grove Agent", "agent@grove.invalid").orElseThrow();

        assertEquals(git.head(wt), git.push(repo, "grove/18-secret", "main", secret));

        assertFalse(Files.readString(repo.gitDir().resolve("config")).contains("SECRET"));
        assertFalse(Files.readString(repo.gitDir().resolve("FETCH_HEAD")).contains("SECRET"));
        assertFalse(secret.toString().contains("SECRET"));
    }

    @Test
    void addsAndRemovesOfOneRepositoryRunTogetherSafely() throws Exception {
        List<Worktree> old = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            old.add(taskWithCommit("grove/19-old-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Worktree gone = old.get(i);
                String branch = "grove/19-new-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task(branch);
                }));
                futures.add(pool.submit(() -> {
                    start.await();
                    git.removeWorktree(gone, true);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        String list = runGit(cached.gitDir(), "worktree", "list", "--porcelain");
        for (int i = 0; i < 4; i++) {
            assertTrue(list.contains("branch refs/heads/grove/19-new-" + i), list);
            assertFalse(list.contains("grove/19-old-" + i), list);
            assertTrue(git.branchNames(cached).contains("grove/19-old-" + i), "unpushed work is kept");
        }
    }
}
