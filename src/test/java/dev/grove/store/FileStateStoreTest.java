package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {
    static final RepoRef REPO = new RepoRef("octo", "shop");
    @TempDir
    Path tmp;

    @Test
    void ciFixClaimsCountPerTaskOnceAHeadAndSurviveARestart() {
        Path file = tmp.resolve("ci.json");
        FileStateStore store = new FileStateStore(file);
        TaskKey one = new TaskKey(REPO, 5, "one");
        assertEquals(1, store.claimCiFix(one, "sha1", "test"));
        assertEquals(0, store.claimCiFix(one, "sha1", "test"));
        assertEquals(1, store.claimCiFix(new TaskKey(REPO, 5, "two"), "sha1", "test"));
        FileStateStore again = new FileStateStore(file);
        assertEquals(0, again.claimCiFix(one, "sha1", "lint"), "a redelivery after a restart is still recognised");
        assertEquals(2, again.claimCiFix(one, "sha2", "test"));
    }

    @Test
    void deliveriesTrackingCommentsAndTasksSurviveARestart() {
        Path file = tmp.resolve("state.json");
        FileStateStore store = new FileStateStore(file);
        assertTrue(store.recordDelivery("d1"));
        assertFalse(store.recordDelivery("d1"));
        store.saveTrackingComment(REPO, 5, 777L);
        TaskKey key = new TaskKey(REPO, 5, "add-login");
        store.saveTask(TaskRecord.queued(key, 1, "Add login").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/5-add-login").withPullRequest(9, "https://x/9").withElapsed(Duration.ofSeconds(3)));

        FileStateStore again = new FileStateStore(file);
        assertFalse(again.recordDelivery("d1"), "a redelivery after a restart is still recognised");
        assertEquals(Optional.of(777L), again.trackingComment(REPO, 5));
        TaskRecord t = again.task(key).orElseThrow();
        assertEquals(TaskStatus.PR_OPENED, t.status());
        assertEquals(9, t.prNumber());
        assertEquals(Duration.ofSeconds(3), t.elapsed());
        assertEquals(List.of(t), again.tasks(REPO, 5));
        assertEquals(List.of(), again.tasks(REPO, 6));
    }

    @Test
    void retentionForgetsStaleRefusalRepliesAndReviewCommentsOfClosedPullRequestsAcrossRestarts() {
        Path file = tmp.resolve("prune.json");
        PruneContract.check(new FileStateStore(file), () -> new FileStateStore(file), false);
    }

    @Test
    void aCiFixClaimStaysUnfinishedAcrossRestartsUntilItsReviseRan() {
        Path file = tmp.resolve("cifix.json");
        CiFixContract.check(new FileStateStore(file), () -> new FileStateStore(file));
    }

    @Test
    void reviewCommentsAreRecordedOnceTakenByTheirReviewAndMarkedAcrossRestarts() {
        Path file = tmp.resolve("threads.json");
        ThreadCommentsContract.check(new FileStateStore(file), () -> new FileStateStore(file));
    }

    @Test
    void recentTasksComeTheMostRecentlySavedFirst() {
        FileStateStore store = new FileStateStore(tmp.resolve("r.json"));
        TaskRecord a = TaskRecord.queued(new TaskKey(REPO, 1, "a"), 1, "A");
        TaskRecord b = TaskRecord.queued(new TaskKey(REPO, 1, "b"), 2, "B");
        store.saveTask(a);
        store.saveTask(b);
        store.saveTask(a.withStatus(TaskStatus.RUNNING));
        assertEquals(List.of("a", "b"), store.recentTasks(10).stream().map(t -> t.key().task()).toList());
        assertEquals(List.of("a"), store.recentTasks(1).stream().map(t -> t.key().task()).toList());
    }

    @Test
    void oneRunPerIssueAtATime() {
        FileStateStore store = new FileStateStore(tmp.resolve("s.json"));
        assertTrue(store.tryStartRun(REPO, 1));
        assertFalse(store.tryStartRun(REPO, 1));
        assertTrue(store.tryStartRun(REPO, 2));
        store.finishRun(REPO, 1);
        assertTrue(store.tryStartRun(REPO, 1));
    }

    @Test
    void keepsABoundedNumberOfDeliveriesAndCompactsTheLog() throws Exception {
        Path file = tmp.resolve("s.json");
        FileStateStore store = new FileStateStore(file, 10);
        for (int i = 0; i < 25; i++) {
            assertTrue(store.recordDelivery("d" + i));
        }
        assertFalse(store.recordDelivery("d24"));
        assertTrue(java.nio.file.Files.readAllLines(tmp.resolve("s.json.deliveries")).size() <= 20, "compacted");
        FileStateStore again = new FileStateStore(file, 10);
        assertFalse(again.recordDelivery("d20"), "recent ids survive a restart");
        assertTrue(again.recordDelivery("d3"), "the oldest ids were let go");
    }

    @Test
    void plansCheckRunsAndPullRequestLookupsSurviveARestart() {
        Path file = tmp.resolve("state.json");
        FileStateStore store = new FileStateStore(file);
        var req = new dev.grove.model.RunRequest(REPO, 42, 5, "Login", "- [ ] Add login\n  paths: src/**\n", "alice",
                "file:///x", "main");
        var task = new dev.grove.plan.Task(1, "Add login", "Use OAuth", List.of("src/**"), List.of());
        var plan = new dev.grove.plan.Plan(List.of(task), List.of(List.of(task)), List.of("one wave"), "checklist", null);
        store.savePlan(new SavedPlan(req, plan));
        TaskKey key = new TaskKey(REPO, 5, "add-login");
        store.saveTask(TaskRecord.queued(key, 1, "Add login").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/5-add-login").withPullRequest(9, "https://x/9"));
        store.saveCheckRun(key, 555L);

        FileStateStore again = new FileStateStore(file);
        assertEquals(new SavedPlan(req, plan), again.plan(REPO, 5).orElseThrow());
        assertEquals(Optional.of(555L), again.checkRun(key));
        assertEquals(key, again.taskByPullRequest(REPO, 9).orElseThrow().key());
        assertTrue(again.taskByPullRequest(REPO, 10).isEmpty());
        assertTrue(again.taskByPullRequest(new RepoRef("octo", "other"), 9).isEmpty());
    }
}
