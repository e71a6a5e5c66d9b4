package dev.grove.publish;

import static dev.grove.testing.GitFixtures.fileUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.git.CachedRepo;
import dev.grove.git.JGitClient;
import dev.grove.git.Worktree;
import dev.grove.model.RepoRef;
import dev.grove.report.Redactor;
import dev.grove.testing.GitFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real git: a push whose commits add a secret is refused before anything leaves, and says where, never what. */
class PublisherSecretsTest {
    static final String AGENT_KEY = "agent-key-0f3c9a7e41b2"; // shaped like nothing: known only by value

    @TempDir
    Path tmp;
    Path origin;
    JGitClient git;
    CachedRepo cached;
    String mainSha;
    Publisher publisher;

    @BeforeEach
    void setUp() {
        origin = GitFixtures.createOrigin(tmp);
        git = new JGitClient(tmp.resolve("cache"));
        cached = git.sync(new RepoRef("acme", "demo"), fileUrl(origin), null);
        mainSha = GitFixtures.refs(origin).get("refs/heads/main");
        publisher = new Publisher(git, new Redactor(List.of(AGENT_KEY)));
    }

    Worktree task(String branch) {
        return git.addWorktree(cached, branch, mainSha, tmp.resolve("wt").resolve(branch.replace('/', '-')));
    }

    Publisher.Publication publication() {
        return new Publisher.Publication("Work", null, null, tmp.resolve("logs"), "main", true);
    }

    PublishOutcome publish(Worktree wt, AtomicBoolean pushing) {
        return publisher.publish(wt, publication(), () -> null, verified -> pushing.set(true));
    }

    @Test
    void aKnownSecretValueInTheChangeIsNotPushed() throws Exception {
        Worktree wt = task("grove/1-leak");
        Files.writeString(wt.dir().resolve("notes.md"), "fine\n");
        Files.createDirectories(wt.dir().resolve("config"));
        Files.writeString(wt.dir().resolve("config/settings.env"), "A=1\nAPI_KEY=" + AGENT_KEY + "\n");
        AtomicBoolean pushing = new AtomicBoolean();
        SecretInPushException e = assertThrows(SecretInPushException.class, () -> publish(wt, pushing));
        assertTrue(e.getMessage().contains("`config/settings.env`"), e.getMessage());
        assertTrue(e.getMessage().contains("a secret value Grove knows"), e.getMessage());
        assertFalse(e.getMessage().contains(AGENT_KEY), e.getMessage());
        assertFalse(pushing.get(), "the push never started");
        assertFalse(GitFixtures.refs(origin).containsKey("refs/heads/grove/1-leak"), "nothing reached origin");
        assertEquals(1, git.commitsAhead(wt), "the commit is kept locally");
    }

    @Test
    void aSecretAddedByOneCommitAndRemovedByTheNextIsStillRefused() throws Exception {
        Worktree wt = task("grove/2-hidden");
        Files.writeString(wt.dir().resolve("token.txt"), "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n");
        git.commitAll(wt, "the agent's own commit", "agent", "agent@example.invalid").orElseThrow();
        Files.delete(wt.dir().resolve("token.txt"));
        Files.writeString(wt.dir().resolve("notes.md"), "fine\n");
        SecretInPushException e = assertThrows(SecretInPushException.class, () -> publish(wt, new AtomicBoolean()));
        assertTrue(e.getMessage().contains("`token.txt` adds a line holding something shaped like a GitHub token"),
                e.getMessage());
        assertFalse(GitFixtures.refs(origin).containsKey("refs/heads/grove/2-hidden"));
    }

    @Test
    void aChangeWithoutSecretsGoesThroughTheScanToThePush() throws Exception {
        Worktree wt = task("grove/3-clean");
        Files.writeString(wt.dir().resolve("notes.md"), "a public certificate is no secret:\n"
                + "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\npostgres://user:pass@localhost/db\n");
        AtomicBoolean pushing = new AtomicBoolean();
        try {
            assertInstanceOf(PublishOutcome.Pushed.class, publish(wt, pushing));
        } catch (SecretInPushException e) {
            throw new AssertionError("no secret here: " + e.getMessage());
        } catch (RuntimeException pushFailed) {
            // no credentials here: whether the file:// push takes them or not, the scan let it start
        }
        assertTrue(pushing.get(), "the scan let the push start");
    }

    @Test
    void addedLinesAreReadFromEveryCommitByFile() throws Exception {
        Worktree wt = task("grove/4-lines");
        Files.writeString(wt.dir().resolve("a.txt"), "one\ntwo\n");
        git.commitAll(wt, "first", "agent", "agent@example.invalid").orElseThrow();
        Files.writeString(wt.dir().resolve("a.txt"), "one\n+++ b/not-a-file\n");
        Files.writeString(wt.dir().resolve("sp ace.txt"), "x\n");
        git.commitAll(wt, "second", "agent", "agent@example.invalid").orElseThrow();
        var added = git.addedLines(wt);
        assertEquals(List.of("+++ b/not-a-file", "one", "two"), added.get("a.txt").stream().sorted().toList());
        assertEquals(List.of("x"), added.get("sp ace.txt"));
        assertInstanceOf(java.util.Map.class, added);
    }

    /**
     * The base merged into a task branch in its worktree ({@code startMerge}) conflicts; the files hold markers, a
     * commit with one left is refused, and the resolution is committed with both parents. A secret the resolution
     * writes (in neither parent) is found in the merge commit's combined diff, so the push is refused.
     */
    @Test
    void aMergeOfTheBaseIsCommittedWithBothParentsAndItsResolutionIsScanned() throws Exception {
        Worktree wt = task("grove/5-merge");
        Files.writeString(wt.dir().resolve("README.md"), "# Demo\n\nthe task's line\n");
        String taskHead = git.commitAll(wt, "task", "agent", "agent@example.invalid").orElseThrow();
        String newMain = GitFixtures.commitOnOrigin(origin, "main", "README.md", "# Demo\n\nmain's line\n", "main");
        git.sync(new RepoRef("acme", "demo"), fileUrl(origin), null);
        Worktree view = new Worktree(cached, wt.dir(), wt.branch(), taskHead);

        assertEquals(List.of("README.md"), git.startMerge(view, newMain));
        String marked = Files.readString(wt.dir().resolve("README.md"));
        assertTrue(marked.contains("<<<<<<< ") && marked.contains(">>>>>>> "), marked);
        Files.writeString(wt.dir().resolve("README.md"), "# Demo\n\nmain's line\nthe task's line\nkey " + AGENT_KEY
                + "\n");
        String merge = git.commitMerge(view, newMain, "Merge main", "grove[bot]", "grove@example.invalid");
        assertEquals(taskHead + " " + newMain, GitFixtures.runGit(wt.dir(), "log", "-1", "--format=%P", merge));
        assertEquals(merge, git.head(view));
        assertTrue(GitFixtures.tryGit(wt.dir(), "rev-parse", "-q", "--verify", "MERGE_HEAD").exitCode() != 0,
                "the merge state is gone");
        Worktree onBase = new Worktree(cached, wt.dir(), wt.branch(), newMain);
        assertTrue(git.addedLines(onBase).get("README.md").contains("key " + AGENT_KEY), git.addedLines(onBase)
                .toString());
        AtomicBoolean pushing = new AtomicBoolean();
        assertThrows(SecretInPushException.class, () -> publish(onBase, pushing));
        assertFalse(pushing.get());
    }

    @Test
    void anAbortedMergeOfTheBaseLeavesTheBranchAsItWas() throws Exception {
        Worktree wt = task("grove/6-abort");
        Files.writeString(wt.dir().resolve("README.md"), "# Demo\n\nthe task's line\n");
        String taskHead = git.commitAll(wt, "task", "agent", "agent@example.invalid").orElseThrow();
        String newMain = GitFixtures.commitOnOrigin(origin, "main", "README.md", "# Demo\n\nmain's line\n", "main");
        git.sync(new RepoRef("acme", "demo"), fileUrl(origin), null);
        Worktree view = new Worktree(cached, wt.dir(), wt.branch(), taskHead);
        assertEquals(List.of("README.md"), git.startMerge(view, newMain));
        git.abortMerge(view);
        assertEquals(taskHead, git.head(view));
        assertEquals("# Demo\n\nthe task's line\n", Files.readString(wt.dir().resolve("README.md")));
        assertTrue(GitFixtures.tryGit(wt.dir(), "rev-parse", "-q", "--verify", "MERGE_HEAD").exitCode() != 0);
    }
}
