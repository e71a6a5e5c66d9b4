package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.github.CheckAnnotation;
import dev.grove.github.CheckRunDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.grove.config.RepoConfig;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.store.FileStateStore;
import dev.grove.store.StateStore;
import dev.grove.testing.RecordingGitHub;
import java.nio.file.Path;
import java.util.Optional;

/** What the agent is told about failing checks; a CI fix cut off mid-revise is continued, once, if it never pushed. */
class CiFixerTest {
    static final RepoRef REPO = new RepoRef("octo", "shop");
    static final String HEAD = "abcdef1234";
    static final String BRANCH = "grove/5-fix-it";

    @TempDir
    Path tmp;

    /** Stands for the process dying mid-revise: nothing after it in the job runs. */
    static final class Killed extends Error {
    }

    /** The revise side: counts revises, may die in the next one, and says where origin's branch head is. */
    static final class FakeRevising implements CiFixer.Revising {
        final List<ReviseRequest> revises = new ArrayList<>();
        boolean dieInNext;
        boolean going;
        String originHead = HEAD;

        @Override
        public void revise(ReviseRequest r, RepoConfig config) {
            revises.add(r);
            if (dieInNext) {
                dieInNext = false;
                throw new Killed();
            }
        }

        @Override
        public boolean revising(TaskKey key) {
            return going;
        }

        @Override
        public Optional<String> headOnOrigin(CiFailure f, String branch) {
            assertEquals(BRANCH, branch);
            return Optional.ofNullable(originHead);
        }
    }

    StateStore store() {
        return new FileStateStore(tmp.resolve("state.json"));
    }

    void openPullRequest(StateStore store) {
        TaskKey key = new TaskKey(REPO, 5, "fix-it");
        store.saveTask(TaskRecord.queued(key, 1, "Fix it").withBranch(BRANCH).withHeadSha(HEAD)
                .withPullRequest(12, "https://github.com/octo/shop/pull/12").withStatus(TaskStatus.PR_OPENED));
    }

    static CiFailure failure() {
        return new CiFailure(REPO, 1, "file:///nowhere", "main", HEAD, List.of(12), 77, run(3, "test", "BOOM", 0), "ci");
    }

    /** The job, run once: as GitHub delivered it, or again (its next attempt, or revived after a kill). */
    static void job(CiFixer fixer, RecordingGitHub github) {
        try {
            fixer.fix(github, failure(), RepoConfig.defaults("grove", 2));
        } catch (Killed k) {
            // the process died here
        }
    }

    @Test
    void aFixCutOffBeforeItPushedIsContinuedByTheRetriedJobOnceAndThenDone() {
        StateStore store = store();
        openPullRequest(store);
        FakeRevising revising = new FakeRevising();
        RecordingGitHub github = new RecordingGitHub();
        revising.dieInNext = true;
        job(new CiFixer(revising, store), github);
        assertEquals(1, revising.revises.size());

        // a restart: a new process on the same state; the job is revived and origin's head has not moved
        StateStore restarted = store();
        CiFixer fixer = new CiFixer(revising, restarted);
        job(fixer, github);
        assertEquals(2, revising.revises.size(), "the cut-off attempt is continued");
        List<String> said = github.commentsOn(12);
        assertEquals(2, said.size(), said.toString());
        assertTrue(said.get(0).contains("Grove is revising (attempt 1 of 2)"), said.get(0));
        assertTrue(said.get(1).contains("revising again (attempt 1 of 2, cut off before it pushed)"), said.get(1));

        job(fixer, github); // a redelivery once the attempt finished: nothing more
        job(new CiFixer(revising, store()), github);
        assertEquals(2, revising.revises.size());
        assertEquals(2, github.commentsOn(12).size());
    }

    @Test
    void aFixCutOffAfterItPushedIsDoneAndOneGoingHereIsNotStartedTwice() {
        StateStore store = store();
        openPullRequest(store);
        FakeRevising revising = new FakeRevising();
        RecordingGitHub github = new RecordingGitHub();
        revising.dieInNext = true;
        job(new CiFixer(revising, store), github);

        revising.going = true; // still revising in this process: a second job of the head starts nothing
        job(new CiFixer(revising, store), github);
        assertEquals(1, revising.revises.size());

        revising.going = false;
        revising.originHead = "0123456789"; // the cut-off revise had pushed: that attempt is done
        job(new CiFixer(revising, store()), github);
        assertEquals(1, revising.revises.size());
        revising.originHead = HEAD;
        job(new CiFixer(revising, store()), github);
        assertEquals(1, revising.revises.size(), "marked done: never continued later");
        assertEquals(1, github.commentsOn(12).size());
    }

    @Test
    void aFixThatRanToItsEndIsNotRunAgainByARedelivery() {
        StateStore store = store();
        openPullRequest(store);
        FakeRevising revising = new FakeRevising();
        RecordingGitHub github = new RecordingGitHub();
        job(new CiFixer(revising, store), github);
        job(new CiFixer(revising, store()), github);
        assertEquals(1, revising.revises.size());
    }

    static CheckRunDetails run(long id, String name, String text, int annotations) {
        return new CheckRunDetails(id, name, 1, "ci", "abcdef1234", "completed", "failure", name + " failed",
                "2 of 9 failed", text, annotations);
    }

    @Test
    void namesEachFailingCheckWithItsSummaryAnnotationsAndOutput() {
        String s = CiFixer.instructions("abcdef1234", "github-actions",
                List.of(run(1, "test", "BOOM at line 3", 1), run(2, "lint", null, 1)),
                Map.of(1L, List.of(new CheckAnnotation("src/A.java", 3, 5, "failure", "ATest", "expected 1", "trace"))),
                Map.of(2L, "GitHub refused: 403"),
                Map.of(1L, "2026-01-02T03:04:05.1234567Z > Task :test\n2026-01-02T03:04:06.0000000Z BUILD FAILED\n"));
        assertTrue(s.startsWith("Make the failing CI checks `test`, `lint` pass (they failed on abcdef1, reported by"
                + " github-actions)."), s);
        assertTrue(s.contains("## Check `test` failed: test failed"), s);
        assertTrue(s.contains("Summary:\n```\n2 of 9 failed\n```"), s);
        assertTrue(s.contains("- src/A.java:3-5 (failure) ATest: expected 1\n  trace"), s);
        assertTrue(s.contains("Output:\n```\nBOOM at line 3\n```"), s);
        assertTrue(s.contains("(Its annotations could not be read: GitHub refused: 403)"), s);
        assertTrue(s.contains("The end of its log:\n```\n> Task :test\nBUILD FAILED\n```"), "time stamps dropped: " + s);
    }

    @Test
    void keepsTheEndOfALongOutputAndFencesItSafely() {
        String text = "x".repeat(CiFixer.MAX_OUTPUT_CHARS) + "```\nTHE END";
        String s = CiFixer.instructions("abc", "ci", List.of(run(1, "test", text, 0)), Map.of(), Map.of(), Map.of());
        assertTrue(s.contains("Output (its last " + CiFixer.MAX_OUTPUT_CHARS + " characters)"), s);
        assertTrue(s.contains("THE END"), s);
        assertFalse(s.substring(s.indexOf("Output")).contains("```\nTHE END"), "the output cannot close the fence");
        List<CheckAnnotation> many = new ArrayList<>();
        for (int i = 0; i < CiFixer.MAX_ANNOTATIONS + 5; i++) {
            many.add(new CheckAnnotation("f", i, i, "warning", null, "m" + i, null));
        }
        String m = CiFixer.instructions("abc", "ci", List.of(run(1, "test", null, many.size())), Map.of(1L, many),
                Map.of(), Map.of());
        assertTrue(m.contains("- … and 5 more"), m);
        assertFalse(m.contains("m" + (CiFixer.MAX_ANNOTATIONS + 1)), m);
    }
}
