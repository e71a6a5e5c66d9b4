package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.AgentRun;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.RunRequest;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JdbcStateStore} must do, whichever database holds it: run against H2 ({@link H2StateStoreTest})
 * and PostgreSQL ({@link PostgresStateStoreTest}). Two stores on one database stand for two Grove processes.
 */
abstract class StateStoreContract {
    static final RepoRef REPO = new RepoRef("octo", "shop");
    Database db;

    abstract Database open();

    JdbcStateStore store(String owner) {
        if (db == null) db = open();
        return new JdbcStateStore(db, owner, Clock.systemUTC(), Duration.ofSeconds(30));
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
    }

    @Test
    void reviewCommentsAreRecordedOnceTakenByTheirReviewAndMarkedForEveryProcess() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        ThreadCommentsContract.check(a, () -> b);
    }

    @Test
    void deliveriesTrackingCommentsAndTasksAreSeenByEveryProcess() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        assertTrue(a.recordDelivery("d1"));
        assertFalse(b.recordDelivery("d1"), "a redelivery is recognised by another process");
        a.saveTrackingComment(REPO, 5, 777L);
        a.saveTrackingComment(REPO, 5, 778L);
        TaskKey key = new TaskKey(REPO, 5, "add-login");
        AgentRun run = new AgentRun("claude", null, "did it", 3, 0.25, "s-1", "/tmp/c", "/tmp/e", 0.5,
                Duration.ofSeconds(40));
        a.saveTask(TaskRecord.queued(key, 1, "Add login").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/5-add-login").withPullRequest(9, "https://x/9").withElapsed(Duration.ofSeconds(3))
                .withAgentRun(run));

        assertEquals(Optional.of(778L), b.trackingComment(REPO, 5));
        TaskRecord t = b.task(key).orElseThrow();
        assertEquals(TaskStatus.PR_OPENED, t.status());
        assertEquals(9, t.prNumber());
        assertEquals(Duration.ofSeconds(3), t.elapsed());
        assertEquals(run, t.agentRun());
        assertEquals(List.of(t), b.tasks(REPO, 5));
        assertEquals(List.of(), b.tasks(REPO, 6));
        assertEquals(List.of(t), b.tasksIn(List.of(TaskStatus.PR_OPENED)));
        assertEquals(List.of(), b.tasksIn(List.of(TaskStatus.RUNNING)));
    }

    @Test
    void tasksComeInPlanOrderAndRecentTasksTheMostRecentlySavedFirst() {
        JdbcStateStore store = store("a");
        TaskRecord a = TaskRecord.queued(new TaskKey(REPO, 1, "a"), 2, "A");
        TaskRecord b = TaskRecord.queued(new TaskKey(REPO, 1, "b"), 1, "B");
        store.saveTask(a);
        store.saveTask(b);
        store.saveTask(a.withStatus(TaskStatus.RUNNING));
        assertEquals(List.of("b", "a"), store.tasks(REPO, 1).stream().map(t -> t.key().task()).toList());
        assertEquals(List.of("a", "b"), store.recentTasks(10).stream().map(t -> t.key().task()).toList());
        assertEquals(List.of("a"), store.recentTasks(1).stream().map(t -> t.key().task()).toList());
        assertEquals(TaskStatus.RUNNING, store.task(a.key()).orElseThrow().status(), "saved again: replaced, not added");
    }

    @Test
    void oneRunPerIssueAcrossProcessesAndAStaleClaimIsTakenOver() {
        Instant[] now = {Instant.parse("2026-11-27T12:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        if (db == null) db = open();
        JdbcStateStore a = new JdbcStateStore(db, "a", clock, Duration.ofSeconds(30));
        JdbcStateStore b = new JdbcStateStore(db, "b", clock, Duration.ofSeconds(30));
        assertTrue(a.tryStartRun(REPO, 1));
        assertFalse(b.tryStartRun(REPO, 1), "another process cannot claim a running issue");
        assertTrue(b.tryStartRun(REPO, 2));
        b.finishRun(REPO, 1); // not b's claim: nothing happens
        assertFalse(a.tryStartRun(REPO, 1));
        now[0] = now[0].plusSeconds(20);
        a.beat();
        now[0] = now[0].plusSeconds(20);
        assertFalse(b.tryStartRun(REPO, 1), "a beating owner keeps its claim");
        assertTrue(a.runClaimed(REPO, 1));
        now[0] = now[0].plusSeconds(31);
        assertFalse(a.runClaimed(REPO, 1));
        assertTrue(b.tryStartRun(REPO, 1), "the claim of an owner that stopped beating is taken over");
        a.finishRun(REPO, 1); // a's claim is gone: b keeps it
        assertFalse(a.tryStartRun(REPO, 1));
        b.finishRun(REPO, 1);
        assertTrue(a.tryStartRun(REPO, 1));
    }

    @Test
    void concurrentClaimsOfOneIssueLetExactlyOneWin() throws Exception {
        if (db == null) db = open();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger won = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                JdbcStateStore s = new JdbcStateStore(db, "p" + i, Clock.systemUTC(), Duration.ofSeconds(30));
                fs.add(pool.submit(() -> {
                    go.await();
                    if (s.tryStartRun(REPO, 99)) won.incrementAndGet();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) f.get();
            assertEquals(1, won.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void plansCheckRunsAndPullRequestLookups() {
        JdbcStateStore store = store("a");
        var req = new RunRequest(REPO, 42, 5, "Login", "- [ ] Add login\n  paths: src/**\n", "alice", "file:///x", "main");
        var task = new Task(1, "Add login", "Use OAuth", List.of("src/**"), List.of());
        var plan = new Plan(List.of(task), List.of(List.of(task)), List.of("one wave"), "checklist", null);
        store.savePlan(new SavedPlan(req, plan));
        store.savePlan(new SavedPlan(req, plan));
        TaskKey key = new TaskKey(REPO, 5, "add-login");
        store.saveTask(TaskRecord.queued(key, 1, "Add login").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/5-add-login").withPullRequest(9, "https://x/9"));
        store.saveCheckRun(key, 555L);
        store.saveCheckRun(key, 556L);

        JdbcStateStore other = store("b");
        assertEquals(new SavedPlan(req, plan), other.plan(REPO, 5).orElseThrow());
        assertEquals(Optional.of(556L), other.checkRun(key));
        assertEquals(key, other.taskByPullRequest(REPO, 9).orElseThrow().key());
        assertTrue(other.taskByPullRequest(REPO, 10).isEmpty());
        assertTrue(other.taskByPullRequest(new RepoRef("octo", "other"), 9).isEmpty());
    }

    @Test
    void cancelRequestsReachEveryProcessInOrder() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        long start = b.lastCancelId();
        TaskKey k1 = new TaskKey(REPO, 5, "one");
        TaskKey k2 = new TaskKey(REPO, 5, "two");
        a.requestCancel(k1, "alice");
        a.requestCancel(k2, "bob");
        List<JdbcStateStore.CancelRequest> seen = b.cancelsAfter(start);
        assertEquals(List.of(k1, k2), seen.stream().map(JdbcStateStore.CancelRequest::key).toList());
        assertEquals("alice", seen.get(0).by());
        assertEquals(List.of(k2), b.cancelsAfter(seen.get(0).id()).stream().map(JdbcStateStore.CancelRequest::key).toList());
        assertEquals(seen.get(1).id(), a.lastCancelId());
        a.pruneCancels(Duration.ofSeconds(-5)); // everything is older than "5 s in the future"
        assertEquals(List.of(), b.cancelsAfter(0));
    }
}
