package dev.grove.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.store.Database;
import dev.grove.queue.Delivery;
import dev.grove.queue.EventRouter;
import dev.grove.queue.JobQueue.Admission;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The durable job queue on a real database (SQLite, the embedded default: {@link SqliteDurableJobQueueTest}; H2:
 * {@link H2DurableJobQueueTest}; PostgreSQL: {@link PostgresDurableJobQueueTest}). Jobs are "handle delivery D": the
 * worker reads D's body back from the database, so what a job does is decided here by the body's fields ({@code fail}:
 * throw that many times; {@code lane}; {@code block}: wait on the test's latch).
 */
abstract class DurableJobQueueContract {
    Database db;
    final List<DurableJobQueue> queues = new ArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final List<String> done = new CopyOnWriteArrayList<>();
    final List<String> gated = new CopyOnWriteArrayList<>();
    final List<String> reported = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final Instant[] now = {Instant.now()};
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now[0];
        }
    };

    abstract Database open();

    @AfterEach
    void close() {
        release.countDown();
        queues.forEach(DurableJobQueue::close);
        if (db != null) db.close();
    }

    final EventRouter router = new EventRouter(Map.of("issues.labeled", event -> {
        String id = event.payload().path("id").asText();
        int failures = event.payload().path("fail").asInt(0);
        boolean block = event.payload().path("block").asBoolean(false);
        Routing.Lane lane = Routing.Lane.valueOf(event.payload().path("lane").asText("LONG"));
        String gate = event.payload().path("gate").asText("");
        Runnable job = () -> {
            int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (attempt <= failures) {
                throw new IllegalStateException("GitHub blipped (attempt " + attempt + ")");
            }
            if (block) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.add(id);
        };
        if (!gate.isEmpty()) {
            // a gated long job: the gate (on the short lane) answers "refuse" itself, or lets the job go on
            return Routing.Enqueue.gated("job " + id, () -> {
                gated.add(id + ":" + Thread.currentThread().getName());
                return gate.equals("admit");
            }, job);
        }
        return new Routing.Enqueue("job " + id, job, lane);
    }));

    DurableJobQueue queue(String name, int attemptsAllowed) {
        if (db == null) db = open();
        DurableJobQueue q = new DurableJobQueue(db, router,
                (WebhookEvent event, String why) -> reported.add(event.deliveryId() + ": " + why),
                new DurableJobQueue.Settings(name, 2, 1, Duration.ofMillis(200), Duration.ofSeconds(2), attemptsAllowed,
                        Duration.ofMillis(100), Duration.ofHours(72), Duration.ofSeconds(5)), clock);
        q.start();
        queues.add(q);
        return q;
    }

    static Delivery delivery(String deliveryId, String body) {
        return new Delivery(deliveryId, "issues", body.getBytes(StandardCharsets.UTF_8));
    }

    static String body(String id, String extra) {
        return "{\"action\":\"labeled\",\"id\":\"" + id + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    Admission submit(DurableJobQueue q, Delivery d) {
        Routing r = router.route(new WebhookEvent(d.event(), "labeled", d.id(),
                dev.grove.testing.WebhookFixtures.JSON.valueToTree(parse(d))));
        return q.submit(d, (Routing.Enqueue) r);
    }

    static Object parse(Delivery d) {
        try {
            return dev.grove.testing.WebhookFixtures.JSON.readTree(d.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String state(String deliveryId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select state from grove_delivery where delivery_id = ?")) {
                ps.setString(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    @Test
    void aDeliveryIsHandledOnceWhateverIsSentAgain() throws Exception {
        DurableJobQueue q = queue("p1", 3);
        String body = body("a", "");
        assertEquals(Admission.QUEUED, submit(q, delivery("d-1", body)));
        assertEquals(Admission.ALREADY_HANDLED, submit(q, delivery("d-1", body)), "GitHub's Redeliver while queued");
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(Admission.ALREADY_HANDLED, submit(q, delivery("d-1", body)), "GitHub's Redeliver once done");
        assertEquals(Admission.REPLAY, submit(q, delivery("d-2", body)), "the same body under a new delivery id");
        assertEquals(Admission.QUEUED, submit(q, delivery("d-3", body("b", ""))));
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(List.of("a", "b"), done);
        assertEquals("DONE", state("d-1"));
        assertEquals(null, state("d-2"), "a replay is not recorded");
    }

    @Test
    void aFailingJobIsRetriedWithBackoffThenReportedAndGitHubsRedeliverDoesTheWork() throws Exception {
        DurableJobQueue q = queue("p1", 2);
        String body = body("c", "\"fail\":2");
        assertEquals(Admission.QUEUED, submit(q, delivery("d-9", body)));
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(2, attempts.get("c").get(), "tried twice");
        assertEquals(List.of(), done);
        assertEquals("FAILED", state("d-9"));
        assertEquals(1, reported.size(), "the final failure is reported once: " + reported);
        assertTrue(reported.get(0).startsWith("d-9: IllegalStateException: GitHub blipped (attempt 2)"), reported.get(0));

        assertEquals(Admission.QUEUED, submit(q, delivery("d-9", body)), "Redeliver of a failed delivery");
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(List.of("c"), done, "the work happened this time");
        assertEquals("DONE", state("d-9"));
    }

    @Test
    void theDeliveryAndItsJobAreOneTransaction() {
        DurableJobQueue q = queue("p1", 1);
        q.pause();
        db.withConnection(c -> c.createStatement().executeUpdate("alter table scheduled_tasks rename to st_gone"));
        assertThrows(RuntimeException.class, () -> submit(q, delivery("d-5", body("e", ""))));
        assertEquals(null, state("d-5"), "no delivery recorded without its job");
        db.withConnection(c -> c.createStatement().executeUpdate("alter table st_gone rename to scheduled_tasks"));
        assertEquals(Admission.QUEUED, submit(q, delivery("d-5", body("e", ""))), "so it can be delivered again");
        assertEquals("QUEUED", state("d-5"));
        assertEquals(1, q.pending(), "recorded and queued together");
    }

    @Test
    void deliveryIdsAreForgottenAfterTheRetentionPeriod() throws Exception {
        DurableJobQueue q = queue("p1", 1);
        assertEquals(Admission.QUEUED, submit(q, delivery("d-7", body("f", ""))));
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        now[0] = now[0].plus(Duration.ofHours(71));
        assertEquals(0, q.forgetOldDeliveries());
        now[0] = now[0].plus(Duration.ofHours(2));
        assertEquals(1, q.forgetOldDeliveries());
        assertEquals(null, state("d-7"));
    }

    @Test
    void theRetentionJobAlsoRunsTheStatePruning() throws Exception {
        if (db == null) db = open();
        DurableJobQueue q = new DurableJobQueue(db, router, (WebhookEvent event, String why) -> { },
                new DurableJobQueue.Settings("p1", 2, 1, Duration.ofMillis(200), Duration.ofSeconds(2), 1,
                        Duration.ofMillis(100), Duration.ofHours(72), Duration.ofSeconds(5)), clock);
        CountDownLatch pruned = new CountDownLatch(1);
        q.alsoOnRetention(pruned::countDown);
        q.start();
        queues.add(q);
        assertTrue(pruned.await(60, java.util.concurrent.TimeUnit.SECONDS), "the recurring retention job pruned");
    }

    @Test
    void shortJobsNeverWaitBehindLongOnes() throws Exception {
        DurableJobQueue q = queue("p1", 1);
        submit(q, delivery("long-1", body("l1", "\"block\":true")));
        submit(q, delivery("long-2", body("l2", "\"block\":true")));
        submit(q, delivery("long-3", body("l3", "")));
        submit(q, delivery("short-1", body("s1", "\"lane\":\"SHORT\"")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.contains("s1") && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(List.of("s1"), done, "the short job ran while both long threads were taken");
        release.countDown();
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(Set.of("s1", "l1", "l2", "l3"), Set.copyOf(done));
    }

    @Test
    void aGateRunsOnTheShortLaneSoARefusalNeverWaitsBehindLongJobs() throws Exception {
        DurableJobQueue q = queue("p1", 1);
        submit(q, delivery("long-1", body("l1", "\"block\":true")));
        submit(q, delivery("long-2", body("l2", "\"block\":true")));
        submit(q, delivery("refused", body("r", "\"gate\":\"refuse\"")));
        submit(q, delivery("admitted", body("a", "\"gate\":\"admit\"")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!("DONE".equals(state("refused")) && gated.size() == 2) && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals("DONE", state("refused"), "the refused job was settled while both long threads were taken");
        assertEquals(Set.of("r", "a"), Set.copyOf(gated.stream().map(g -> g.substring(0, g.indexOf(':'))).toList()),
                "both gates ran: " + gated);
        assertEquals(List.of(), done, "no job body ran yet: the admitted one waits for a long thread");
        assertEquals("QUEUED", state("admitted"), "admitted, its job still to run");
        release.countDown();
        assertTrue(q.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(Set.of("l1", "l2", "a"), Set.copyOf(done), "the admitted job ran once, the refused one never");
        assertEquals(2, gated.size(), "each gate ran once: " + gated);
        assertEquals("DONE", state("admitted"));
    }

    @Test
    void twoProcessesOnOneDatabaseHandleEveryDeliveryOnce() throws Exception {
        DurableJobQueue a = queue("p-a", 1);
        DurableJobQueue b = queue("p-b", 1);
        for (int i = 0; i < 30; i++) {
            String body = body("t" + i, "");
            assertEquals(Admission.QUEUED, submit(i % 2 == 0 ? a : b, delivery("d-" + i, body)));
            assertEquals(Admission.ALREADY_HANDLED, submit(i % 2 == 0 ? b : a, delivery("d-" + i, body)));
        }
        assertTrue(a.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(30, done.size(), "every delivery handled: " + done);
        assertEquals(30, Set.copyOf(done).size(), "and none twice: " + done);
    }

    @Test
    void workForLaterOutlivesTheProcessThatScheduledItRunsOncePerKeyAndCanAskToRunAgain() throws Exception {
        DurableJobQueue a = queue("p-a", 2);
        List<String> ran = new CopyOnWriteArrayList<>();
        a.onLater("batch", (key, data) -> {
            ran.add("a " + key);
            return null;
        });
        assertTrue(a.scheduleOnce("batch", "o/r#7", "{\"n\":1}", Instant.now().plusSeconds(2)));
        assertTrue(!a.scheduleOnce("batch", "o/r#7", "{\"n\":2}", Instant.now().plusSeconds(2)),
                "one waits per key: the second is refused");
        assertTrue(a.scheduleOnce("batch", "o/r#8", "{\"n\":3}", Instant.now().plusSeconds(2)), "another key");
        assertEquals(2, a.pending(), "waiting work counts as pending");
        a.close(); // the process stops before the work is due
        queues.remove(a);

        DurableJobQueue b = queue("p-b", 2);
        AtomicInteger runsOf7 = new AtomicInteger();
        b.onLater("batch", (key, data) -> {
            ran.add("b " + key + " " + data);
            // o/r#7 asks to run once more (comments came in while it ran)
            return key.equals("o/r#7") && runsOf7.incrementAndGet() == 1 ? Instant.now().plusMillis(300) : null;
        });
        assertTrue(b.awaitIdle(Duration.ofSeconds(30)), "the work ran and ended");
        assertEquals(List.of("b o/r#7 {\"n\":1}", "b o/r#7 {\"n\":1}", "b o/r#8 {\"n\":3}"),
                ran.stream().sorted().toList(), "run by the next process, each once, o/r#7 again as it asked");
    }

    // ---- group commit: one intake transaction records every delivery waiting at that moment ---------------------

    DurableJobQueue.Pending pending(Delivery d) {
        Routing r = router.route(new WebhookEvent("issues", "labeled", d.id(),
                dev.grove.testing.WebhookFixtures.JSON.valueToTree(parse(d))));
        return DurableJobQueue.Pending.of(d, (Routing.Enqueue) r);
    }

    static List<Object> answers(List<DurableJobQueue.Pending> batch) {
        return batch.stream().map(p -> {
            assertTrue(p.answer().isDone(), "every request is answered: " + p.delivery().id());
            return p.answer().isCompletedExceptionally() ? (Object) "error" : (Object) p.answer().join();
        }).toList();
    }

    @Test
    void oneIntakeTransactionRecordsEachDeliveryAsIfItWereAlone() {
        DurableJobQueue q = queue("p1", 1);
        q.pause();
        String same = body("g", "");
        List<DurableJobQueue.Pending> batch = List.of(pending(delivery("b-1", same)), pending(delivery("b-1", same)),
                pending(delivery("b-2", same)), pending(delivery("b-3", body("h", ""))));
        q.recordBatch(batch);
        assertEquals(List.of(Admission.QUEUED, Admission.ALREADY_HANDLED, Admission.REPLAY, Admission.QUEUED),
                answers(batch), "the same id twice, then the same body under a new id, in one transaction");
        assertEquals("QUEUED", state("b-1"));
        assertEquals(null, state("b-2"), "a replay is not recorded");
        assertEquals("QUEUED", state("b-3"));
        assertEquals(2, q.pending(), "one job each for b-1 and b-3");
    }

    @Test
    void aDeliveryThatCannotBeRecordedAnswersOnlyItsOwnRequestWithAnError() {
        DurableJobQueue q = queue("p1", 1);
        q.pause();
        DurableJobQueue.Pending good = pending(delivery("f-1", body("i", "")));
        // an event name longer than its column (100): the insert fails, and with it the batch's transaction
        DurableJobQueue.Pending bad = DurableJobQueue.Pending.of(
                new Delivery("f-2", "x".repeat(150), body("j", "").getBytes(StandardCharsets.UTF_8)), good.job());
        DurableJobQueue.Pending after = pending(delivery("f-3", body("k", "")));
        q.recordBatch(List.of(good, bad, after));
        assertEquals(List.of(Admission.QUEUED, "error", Admission.QUEUED), answers(List.of(good, bad, after)));
        assertEquals("QUEUED", state("f-1"));
        assertEquals(null, state("f-2"), "nothing of the failed delivery is recorded");
        assertEquals("QUEUED", state("f-3"));
        assertEquals(2, q.pending());
        assertEquals(2, executions(), "a job for each recorded delivery, none for the failed one");
    }

    @Test
    void aFailedIntakeTransactionAnswersEveryRequestWithAnErrorAndRecordsNothing() {
        DurableJobQueue q = queue("p1", 1);
        q.pause();
        db.withConnection(c -> c.createStatement().executeUpdate("alter table scheduled_tasks rename to st_gone"));
        List<DurableJobQueue.Pending> batch = List.of(pending(delivery("x-1", body("l", ""))),
                pending(delivery("x-2", body("m", ""))), pending(delivery("x-1", body("l", ""))));
        q.recordBatch(batch);
        assertEquals(List.of("error", "error", "error"), answers(batch));
        db.withConnection(c -> c.createStatement().executeUpdate("alter table st_gone rename to scheduled_tasks"));
        assertEquals(null, state("x-1"), "no delivery recorded without its job");
        assertEquals(null, state("x-2"));
        assertEquals(0, q.pending());
    }

    @Test
    void requestsArrivingTogetherAreEachRecordedOnceAndEveryOneIsAnswered() throws Exception {
        DurableJobQueue q = queue("p1", 1);
        q.pause();
        int threads = 16;
        int each = 40;
        CountDownLatch go = new CountDownLatch(1);
        List<Object> answers = new CopyOnWriteArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    for (int j = 0; j < each; j++) {
                        answers.add(submit(q, delivery("m-" + thread + "-" + j, body("m" + thread + "-" + j, ""))));
                    }
                } catch (Exception e) {
                    answers.add(e.toString()); // a request never recorded times out (INTAKE_TIMEOUT) with an error
                }
            });
            t.start();
            started.add(t);
        }
        go.countDown();
        for (Thread t : started) t.join(120_000);
        assertEquals(threads * each, answers.size(), "every request answered");
        assertTrue(answers.stream().allMatch(a -> a == Admission.QUEUED),
                "each queued: " + answers.stream().filter(a -> a != Admission.QUEUED).limit(3).toList());
        assertEquals(threads * each, q.pending());
        assertEquals(threads * each, executions(), "one job each");
    }

    @Test
    void concurrentSubmitsOfOneDeliveryAndOfOneBodyQueueItOnce() throws Exception {
        DurableJobQueue q = queue("p1", 1);
        q.pause();
        String same = body("n", "");
        int n = 24;
        CountDownLatch go = new CountDownLatch(1);
        List<Object> answers = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // half send GitHub's Redeliver of one delivery, half the same body under new delivery ids (on PostgreSQL
            // each request is its own transaction, and two at once do not see each other's new row: the database's
            // unique index on the body's hash stops the second, migration 4)
            Delivery d = delivery(i % 2 == 0 ? "c-0" : "c-" + i, same);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    answers.add(submit(q, d));
                } catch (Exception e) {
                    answers.add(e.toString());
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) t.join(60_000);
        assertEquals(n, answers.size(), "every request answered: " + answers);
        assertEquals(1, answers.stream().filter(a -> a == Admission.QUEUED).count(), "queued once: " + answers);
        assertTrue(answers.stream().allMatch(a -> a == Admission.QUEUED || a == Admission.ALREADY_HANDLED
                || a == Admission.REPLAY), "the others ignored, none failed: " + answers);
        assertEquals(1, q.pending());
        assertEquals(1, executions());
    }

    int executions() {
        return db.withConnection(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("select (select count(*) from scheduled_tasks) + "
                    + "(select count(*) from scheduled_tasks_short where task_name <> 'grove-delivery-retention')")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
