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
    void aConditionalSaveLosesToAnotherProcessThatChangedTheStatusMeanwhile() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        TaskKey key = new TaskKey(REPO, 7, "add-cart");
        TaskRecord open = TaskRecord.queued(key, 1, "Add cart").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/7-add-cart").withPullRequest(11, "https://x/11").withHeadSha("a".repeat(40));
        a.saveTask(open);
        TaskRecord readByA = a.task(key).orElseThrow();

        assertTrue(a.saveTaskIf(readByA.withHeadSha("b".repeat(40)), TaskStatus.PR_OPENED), "still open: saved");
        assertEquals("b".repeat(40), b.task(key).orElseThrow().headSha());

        b.saveTask(b.task(key).orElseThrow().withStatus(TaskStatus.MERGED).withMessage("merged"));
        assertFalse(a.saveTaskIf(readByA.withHeadSha("c".repeat(40)).withMessage("brought up to date"),
                TaskStatus.PR_OPENED), "merged by another process meanwhile: not saved");
        TaskRecord now = a.task(key).orElseThrow();
        assertEquals(TaskStatus.MERGED, now.status());
        assertEquals("b".repeat(40), now.headSha());
        assertEquals("merged", now.message());
        assertFalse(a.saveTaskIf(TaskRecord.queued(new TaskKey(REPO, 7, "never-saved"), 2, "Other"),
                TaskStatus.QUEUED), "no record: nothing to change");
        assertEquals(Optional.empty(), a.task(new TaskKey(REPO, 7, "never-saved")));
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
    void ciFixClaimsCountPerTaskAndAHeadIsClaimedOnceAcrossProcesses() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        TaskKey one = new TaskKey(REPO, 5, "one");
        TaskKey two = new TaskKey(REPO, 5, "two");
        assertEquals(1, a.claimCiFix(one, "sha1", "test"));
        assertEquals(0, b.claimCiFix(one, "sha1", "test"), "a redelivery, seen by another process");
        assertEquals(0, a.claimCiFix(one, "sha1", "lint"), "another failing check on the same head");
        assertEquals(1, b.claimCiFix(two, "sha1", "test"), "each task counts its own");
        assertEquals(2, b.claimCiFix(one, "sha2", "test"));
        assertEquals(3, a.claimCiFix(one, "sha3", "x".repeat(400)), "a long check name is kept short");
    }

    @Test
    void retentionForgetsStaleRefusalRepliesAndReviewCommentsOfClosedOrOldPullRequests() {
        PruneContract.check(store("a"), () -> store("b"), true);
    }

    @Test
    void aCiFixClaimStaysUnfinishedForEveryProcessUntilItsReviseRan() {
        CiFixContract.check(store("a"), () -> store("b"));
    }

    @Test
    void concurrentCiFixClaimsOfOneHeadHaveOneWinnerAndOfManyHeadsDistinctNumbers() throws Exception {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        TaskKey key = new TaskKey(REPO, 6, "t");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> same = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JdbcStateStore s = i % 2 == 0 ? a : b;
                same.add(pool.submit(() -> {
                    go.await();
                    return s.claimCiFix(key, "same", "test");
                }));
            }
            go.countDown();
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : same) got.add(f.get());
            assertEquals(1, got.stream().filter(n -> n == 1).count(), got.toString());
            assertEquals(3, got.stream().filter(n -> n == 0).count(), got.toString());

            CountDownLatch go2 = new CountDownLatch(1);
            List<Future<Integer>> heads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JdbcStateStore s = i % 2 == 0 ? a : b;
                String head = "head" + i;
                heads.add(pool.submit(() -> {
                    go2.await();
                    return s.claimCiFix(key, head, "test");
                }));
            }
            go2.countDown();
            List<Integer> numbers = new ArrayList<>();
            for (Future<Integer> f : heads) numbers.add(f.get());
            numbers.sort(null);
            assertEquals(List.of(2, 3, 4, 5), numbers);
        } finally {
            pool.shutdownNow();
        }
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

    @Test
    void aRefusalIsRepliedOncePerIntervalAcrossProcesses() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Duration hour = Duration.ofHours(1);
        assertTrue(a.claimRefusalReply(REPO, 5, "outsider", t0, hour), "the first reply");
        assertFalse(b.claimRefusalReply(REPO, 5, "OutSider", t0.plusSeconds(1), hour), "not again, from another process");
        assertFalse(a.claimRefusalReply(REPO, 5, "outsider", t0.plus(hour).minusSeconds(1), hour), "still within the hour");
        assertTrue(b.claimRefusalReply(REPO, 6, "outsider", t0, hour), "another issue");
        assertTrue(b.claimRefusalReply(REPO, 5, "someone", t0, hour), "another user");
        assertTrue(b.claimRefusalReply(new RepoRef("octo", "other"), 5, "outsider", t0, hour), "another repository");
        assertTrue(b.claimRefusalReply(REPO, 5, "outsider", t0.plus(hour), hour), "an hour later: replied again");
        assertFalse(a.claimRefusalReply(REPO, 5, "outsider", t0.plus(hour).plusSeconds(5), hour), "and counted from then");
    }

    @Test
    void concurrentRefusalClaimsLetExactlyOneReply() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        store("setup").claimRefusalReply(REPO, 9, "outsider", t0, Duration.ofHours(1)); // a stale row: both try the update
        for (Instant at : List.of(t0.plus(Duration.ofHours(2)), Instant.parse("2026-02-01T00:00:00Z"))) {
            int issue = at.equals(t0.plus(Duration.ofHours(2))) ? 9 : 10; // 10: no row yet, both try the insert
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    JdbcStateStore s = store("p" + i);
                    claims.add(pool.submit(() -> {
                        go.await();
                        return s.claimRefusalReply(REPO, issue, "outsider", at, Duration.ofHours(1));
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> f : claims) won += f.get() ? 1 : 0;
                assertEquals(1, won, "one reply on issue " + issue);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void issueStepsAreRecordedOnceAndSeenByEveryProcess() {
        JdbcStateStore a = store("a");
        JdbcStateStore b = store("b");
        assertFalse(b.issueStepDone(REPO, 5, "tick add-login"));
        a.markIssueStepDone(REPO, 5, "tick add-login");
        a.markIssueStepDone(REPO, 5, "tick add-login"); // a retry records it again: no error, no change
        assertTrue(b.issueStepDone(REPO, 5, "tick add-login"), "seen by another process");
        assertFalse(b.issueStepDone(REPO, 5, "close"), "another step");
        assertFalse(b.issueStepDone(REPO, 6, "tick add-login"), "another issue");
        assertFalse(b.issueStepDone(new RepoRef("octo", "other"), 5, "tick add-login"), "another repository");
    }
}
