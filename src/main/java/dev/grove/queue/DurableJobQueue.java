package dev.grove.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.grove.store.Database;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job queue in Grove's database, on db-scheduler. A delivery is recorded ({@code grove_delivery}: id, event,
 * body and its SHA-256) in the same transaction as its job, a db-scheduler execution whose data is only the
 * delivery id: the worker reads the body back, routes it again (handlers are pure) and runs the job. So a job is
 * never lost with the process: an execution whose process died is revived by any live process once its heartbeat is
 * stale. A job that throws is retried with exponential backoff; after the last attempt the delivery is marked failed
 * and the failure is reported (on the issue). A redelivery of a failed delivery queues it again; of one queued or done,
 * is ignored; a new delivery id with the body of one queued or done is a replay, and ignored. Delivery rows are deleted
 * after the retention period. Two lanes, each with its own table and threads: short jobs never wait behind runs.
 * Nothing per delivery is kept in memory, except a delivery waiting (its request too) for the intake transaction
 * that records it: on the embedded database (SQLite, or H2) intake is group-committed, each transaction records every
 * delivery waiting at that moment.
 */
public final class DurableJobQueue implements JobQueue, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DurableJobQueue.class);
    static final String LONG_TASK = "grove-delivery";
    static final String SHORT_TASK = "grove-delivery-short";
    static final String SHORT_TABLE = "scheduled_tasks_short";
    static final String LATER_TASK = "grove-later";

    /**
     * How the queue runs. {@code heartbeat}: how often a process says its jobs are alive (a job is revived elsewhere
     * after 4 missed beats); {@code attempts}: tries of a failing job, {@code backoff} before the second (then ×2);
     * {@code retention}: how long delivery ids are remembered.
     */
    public record Settings(String processName, int longThreads, int shortThreads, Duration pollInterval,
            Duration heartbeat, int attempts, Duration backoff, Duration retention, Duration drainTimeout) {
    }

    /** Reports a job's final failure (on the issue or pull request the delivery is about). */
    @FunctionalInterface
    public interface FailureReport {
        void failed(WebhookEvent event, String why);
    }

    private final Database db;
    private final EventRouter router;
    private final FailureReport report;
    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final OneTimeTask<String> longTask;
    private final OneTimeTask<String> shortTask;
    private final com.github.kagkarlsson.scheduler.task.helper.CustomTask<String> laterTask;
    private final java.util.Map<String, LaterJob> laterJobs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Scheduler longScheduler;
    private final Scheduler shortScheduler;

    public DurableJobQueue(Database db, EventRouter router, FailureReport report, Settings settings, Clock clock) {
        this.db = db;
        this.router = router;
        this.report = report;
        this.settings = settings;
        this.clock = clock;
        this.longTask = task(LONG_TASK, Routing.Lane.LONG);
        this.shortTask = task(SHORT_TASK, Routing.Lane.SHORT);
        this.laterTask = laterTask();
        RecurringTask<Void> retention = Tasks.recurring("grove-delivery-retention",
                FixedDelay.of(Duration.ofMinutes(10))).execute((inst, ctx) -> {
                    forgetOldDeliveries();
                    try {
                        alsoOnRetention.run();
                    } catch (RuntimeException e) {
                        log.warn("retention: {}", e.getMessage());
                    }
                });
        this.longScheduler = scheduler(List.of(longTask, laterTask), "scheduled_tasks", settings.longThreads(), null);
        this.shortScheduler = scheduler(List.of(shortTask), SHORT_TABLE, settings.shortThreads(), retention);
        startWriters();
    }

    private OneTimeTask<String> task(String name, Routing.Lane lane) {
        return Tasks.oneTime(name, String.class)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(Math.max(0, settings.attempts() - 1),
                        new FailureHandler.ExponentialBackoffFailureHandler<>(settings.backoff(), 2.0),
                        (complete, ops) -> gaveUp(complete.getExecution().taskInstance.getId(),
                                complete.getCause().orElse(null))))
                .execute((inst, ctx) -> handle(inst.getId(), lane));
    }

    private Scheduler scheduler(List<com.github.kagkarlsson.scheduler.task.Task<?>> tasks, String table, int threads,
            RecurringTask<Void> startTask) {
        var b = Scheduler.create(db.dataSource(), tasks)
                .tableName(table)
                .threads(Math.max(1, threads))
                .pollingInterval(settings.pollInterval())
                .heartbeatInterval(settings.heartbeat())
                .missedHeartbeatsLimit(4)
                .schedulerName(new SchedulerName.Fixed(settings.processName()))
                .shutdownMaxWait(settings.drainTimeout())
                .enableImmediateExecution();
        if (db.kind() == Database.Kind.POSTGRESQL) {
            b = b.pollUsingLockAndFetch(0.5, 1.0); // SELECT ... FOR UPDATE SKIP LOCKED: each execution to one process
        }
        if (db.kind() == Database.Kind.SQLITE) {
            b = b.jdbcCustomization(new SqliteJdbcCustomization());
        }
        if (startTask != null) {
            b = b.startTasks(startTask);
        }
        return b.build();
    }

    /** Starts taking jobs from the database (this process's share of them). */
    public void start() {
        longScheduler.start();
        shortScheduler.start();
    }

    // ---- intake ----------------------------------------------------------------------------------------------------

    /**
     * Records the delivery with its job, durably, before answering. On the embedded database the request is handed to
     * the intake writer ({@link #recordBatch}), which records every delivery waiting at that moment in ONE transaction
     * (group commit) and answers each. Returns once that transaction has committed; throws if it failed (nothing of
     * this delivery is then recorded) or took longer than {@link #INTAKE_TIMEOUT} (then it is dropped unless already
     * being recorded; a delivery recorded all the same is answered {@code ALREADY_HANDLED} when GitHub delivers it
     * again).
     */
    @Override
    public Admission submit(Delivery delivery, Routing.Enqueue job) {
        Pending p = Pending.of(delivery, job);
        if (intake.isEmpty()) {
            recordBatch(List.of(p)); // PostgreSQL: on the request's own thread, in a transaction of its own
            try {
                return p.answer().join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        if (!writing) throw new IllegalStateException("the job queue is closed: delivery " + delivery.id() + " not recorded");
        // one writer per body: the same body twice is never recorded by two transactions at once (a replay is seen)
        intake.get(Math.floorMod(p.sha().hashCode(), intake.size())).add(p);
        try {
            return p.answer().get(INTAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            p.answer().cancel(false);
            throw new IllegalStateException("delivery " + delivery.id() + " was not recorded within " + INTAKE_TIMEOUT);
        } catch (InterruptedException e) {
            p.answer().cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delivery " + delivery.id() + " was being recorded");
        }
    }

    /** How long a webhook request waits for its delivery to be recorded. */
    static final Duration INTAKE_TIMEOUT = Duration.ofSeconds(30);
    /** At most this many deliveries in one intake transaction. */
    static final int MAX_BATCH = 64;

    /** A delivery waiting to be recorded, and its request's answer. */
    record Pending(Delivery delivery, Routing.Enqueue job, String sha, CompletableFuture<Admission> answer) {
        static Pending of(Delivery delivery, Routing.Enqueue job) {
            return new Pending(delivery, job, sha256(delivery.body()), new CompletableFuture<>());
        }

        boolean shortLane() {
            return job.firstLane() == Routing.Lane.SHORT;
        }
    }

    private final List<LinkedBlockingQueue<Pending>> intake = new ArrayList<>();
    private volatile boolean writing = true;
    private final List<Thread> writers = new ArrayList<>();

    private void startWriters() {
        // the embedded databases commit one transaction at a time (each written to its file): one writer takes every
        // delivery waiting.
        // PostgreSQL commits in parallel, and a writer's statements are round trips one after the other: measured
        // (bench/RESULTS.md), group commit made PostgreSQL intake slower, so there each request records its own.
        int n = db.kind().embedded() ? 1 : 0;
        for (int i = 0; i < n; i++) {
            LinkedBlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
            intake.add(waiting);
            Thread t = new Thread(() -> writeLoop(waiting), "grove-intake-" + settings.processName() + "-" + i);
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
    }

    private void writeLoop(LinkedBlockingQueue<Pending> intake) {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (writing || !intake.isEmpty()) {
            try {
                Pending first = intake.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                intake.drainTo(batch, MAX_BATCH - 1);
                recordBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                log.error("intake writer: {}", e.toString(), e);
                batch.forEach(p -> p.answer().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = intake.poll()) != null) {
            left.answer().completeExceptionally(new IllegalStateException("the job queue closed"));
        }
    }

    /**
     * Records {@code batch} in one transaction, each delivery as if alone and in order (a later one sees the earlier
     * ones: the same id twice is {@code ALREADY_HANDLED}, the same body twice a {@code REPLAY}), then answers each.
     * If that transaction fails, nothing of it is recorded and each delivery is tried again in a transaction of its
     * own, so one bad delivery (or a race with another process) answers only its own request with an error.
     */
    void recordBatch(List<Pending> batch) {
        recordBatch(batch, false);
    }

    private void recordBatch(List<Pending> batch, boolean retried) {
        List<Pending> live = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (!p.answer().isDone()) live.add(p); // its request gave up waiting: not recorded
        }
        if (live.isEmpty()) return;
        List<Admission> answers;
        try {
            answers = db.inTransaction(c -> admitAll(c, live));
        } catch (RuntimeException e) {
            if (live.size() == 1) {
                if (!retried && duplicateKey(e)) {
                    // a key recorded at the same moment by another transaction (another process, or on PostgreSQL
                    // another request) that the database reported as a duplicate, not as a conflict `on conflict do
                    // nothing` skips (a job's key, say): judged again, it is now seen as handled or a replay
                    recordBatch(live, true);
                    return;
                }
                live.get(0).answer().completeExceptionally(e);
                return;
            }
            log.warn("intake: a transaction of {} deliveries failed ({}); recording each alone", live.size(),
                    e.getMessage());
            for (Pending p : live) recordBatch(List.of(p));
            return;
        }
        boolean shortQueued = false;
        boolean longQueued = false;
        for (int i = 0; i < live.size(); i++) {
            if (answers.get(i) == Admission.QUEUED) {
                if (live.get(i).shortLane()) shortQueued = true; else longQueued = true;
            }
        }
        // once per transaction, not per delivery: the schedulers look for due jobs
        if (shortQueued) shortScheduler.triggerCheckForDueExecutions();
        if (longQueued) longScheduler.triggerCheckForDueExecutions();
        for (int i = 0; i < live.size(); i++) live.get(i).answer().complete(answers.get(i));
    }

    /**
     * Records {@code live}, in order, in the caller's transaction, and their jobs: each delivery is one statement when
     * new (an insert that does nothing if its id or its body is recorded already: a row written earlier in this
     * transaction counts), and the jobs of a transaction are one batched insert per lane. Only a delivery that was not
     * inserted is looked at again, by its id: none is a replay of a body recorded under another id; a failed one is
     * queued again (GitHub's Redeliver); any other was handled, or is being.
     */
    private List<Admission> admitAll(java.sql.Connection c, List<Pending> live) throws SQLException {
        List<Admission> out = new ArrayList<>(live.size());
        List<com.github.kagkarlsson.scheduler.task.TaskInstance<?>> shortJobs = new ArrayList<>();
        List<com.github.kagkarlsson.scheduler.task.TaskInstance<?>> longJobs = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement("insert into grove_delivery (delivery_id, event, "
                + "body_sha256, payload, state, received_at) values (?, ?, ?, ?, 'QUEUED', ?) on conflict do nothing")) {
            for (Pending p : live) {
                Admission a = admit(c, insert, p);
                out.add(a);
                if (a == Admission.QUEUED) {
                    String id = p.delivery().id();
                    if (p.shortLane()) shortJobs.add(shortTask.instance(id, id)); else longJobs.add(longTask.instance(id, id));
                }
            }
        }
        // joins this transaction (Database#dataSource hands db-scheduler this thread's connection); one insert, no
        // lookup first: a delivery queued here has no job yet (a failed one's job was removed when it gave up)
        Instant now = Instant.now();
        if (!shortJobs.isEmpty()) shortScheduler.scheduleBatch(shortJobs, now);
        if (!longJobs.isEmpty()) longScheduler.scheduleBatch(longJobs, now);
        return out;
    }

    private Admission admit(java.sql.Connection c, PreparedStatement insert, Pending p) throws SQLException {
        Delivery delivery = p.delivery();
        insert.setString(1, delivery.id());
        insert.setString(2, delivery.event());
        insert.setString(3, p.sha());
        insert.setBytes(4, delivery.body()); // the bytes as sent: H2 writes text char by char (migration 3)
        insert.setTimestamp(5, Timestamp.from(clock.instant()));
        if (insert.executeUpdate() == 1) return Admission.QUEUED;
        String state = null;
        // SQLite has no row locks, and needs none: its transaction took the database's write lock when it began
        try (PreparedStatement ps = c.prepareStatement("select state from grove_delivery where delivery_id = ?"
                + (db.kind() == Database.Kind.SQLITE ? "" : " for update"))) {
            ps.setString(1, delivery.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) state = rs.getString(1);
            }
        }
        // a new id whose body is recorded: whatever that one's state, a failed delivery runs again only by GitHub's
        // Redeliver, under its own id
        if (state == null) return Admission.REPLAY;
        if (!state.equals("FAILED")) return Admission.ALREADY_HANDLED;
        // GitHub's Redeliver of a delivery whose job failed: its work never happened, so it is queued again
        try (PreparedStatement ps = c.prepareStatement("update grove_delivery set state = 'QUEUED', payload = ?, "
                + "error = null, finished_at = null where delivery_id = ?")) {
            ps.setBytes(1, delivery.body());
            ps.setString(2, delivery.id());
            ps.executeUpdate();
        }
        return Admission.QUEUED;
    }

    private static boolean duplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && Database.isDuplicateKey(sql)) return true;
        }
        return false;
    }

    // ---- work for later ------------------------------------------------------------------------------------------

    /**
     * Work of one kind that runs later ({@link #scheduleOnce}), kept in the database with the long jobs: a restart
     * does not lose it, and a process that dies running it has it revived elsewhere. Returns when to run again for the
     * same key (more work came in meanwhile), or null when done; a job that throws is tried again with the queue's
     * backoff, up to its attempts.
     */
    @FunctionalInterface
    public interface LaterJob {
        Instant run(String key, String data) throws Exception;
    }

    /** What runs scheduled work of {@code kind}; set before {@link #start}. */
    public void onLater(String kind, LaterJob job) {
        laterJobs.put(kind, job);
    }

    /**
     * Runs {@code kind}'s job for {@code key} with {@code data} at {@code at}, unless one for that key is waiting or
     * running already (then false, and nothing changes: the waiting one will see what this one would have).
     */
    public boolean scheduleOnce(String kind, String key, String data, Instant at) {
        boolean added = longScheduler.scheduleIfNotExists(laterTask.instance(kind + ":" + key, kind + "\n" + data), at);
        if (!added) log.info("{} for {}: already scheduled", kind, key);
        return added;
    }

    private com.github.kagkarlsson.scheduler.task.helper.CustomTask<String> laterTask() {
        return Tasks.custom(LATER_TASK, String.class)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(Math.max(0, settings.attempts() - 1),
                        new FailureHandler.ExponentialBackoffFailureHandler<>(settings.backoff(), 2.0),
                        (complete, ops) -> {
                            log.error("{}: giving up after {} attempts", complete.getExecution().taskInstance.getId(),
                                    settings.attempts(), complete.getCause().orElse(null));
                            ops.remove();
                        }))
                .execute((inst, ctx) -> {
                    String id = inst.getId();
                    String data = inst.getData() == null ? "" : inst.getData();
                    int nl = data.indexOf('\n');
                    String kind = nl < 0 ? data : data.substring(0, nl);
                    LaterJob job = laterJobs.get(kind);
                    if (job == null) {
                        throw new IllegalStateException("no job runs scheduled work of kind '" + kind + "'");
                    }
                    Instant again;
                    try {
                        again = job.run(id.substring(kind.length() + 1), nl < 0 ? "" : data.substring(nl + 1));
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return (complete, ops) -> {
                        if (again == null) {
                            ops.remove();
                        } else {
                            ops.reschedule(complete, again);
                        }
                    };
                });
    }

    // ---- the worker ------------------------------------------------------------------------------------------------

    private record Stored(String event, byte[] body, String state) {
    }

    private Optional<Stored> load(String deliveryId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select event, payload, state from grove_delivery where delivery_id = ?")) {
                ps.setString(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getBytes(2), rs.getString(3)))
                            : Optional.empty();
                }
            }
        });
    }

    private WebhookEvent event(String deliveryId, Stored s) {
        try {
            JsonNode payload = json.readTree(s.body());
            return new WebhookEvent(s.event(), payload.path("action").asText(""), deliveryId, payload);
        } catch (IOException e) {
            throw new IllegalStateException("delivery " + deliveryId + " has a body that is not JSON", e);
        }
    }

    /**
     * Handles delivery {@code id} on {@code lane}: read back, routed again, its job run; then marked done and its body
     * dropped. A gated job's gate runs on the short lane; if it admits the job, the delivery is queued on the long lane
     * (still {@code QUEUED}), where the job runs.
     */
    void handle(String deliveryId, Routing.Lane lane) {
        Optional<Stored> stored = load(deliveryId);
        if (stored.isEmpty() || stored.get().body() == null || stored.get().state().equals("DONE")) {
            log.info("delivery {}: nothing to do (already handled or forgotten)", deliveryId);
            return;
        }
        WebhookEvent event = event(deliveryId, stored.get());
        // the job's log lines carry its delivery, repository and issue, as intake's did (GROVE_LOG_FORMAT=json)
        org.slf4j.MDC.put(dev.grove.queue.LogContext.DELIVERY, deliveryId);
        String repository = event.payload().path("repository").path("full_name").asText("");
        if (!repository.isEmpty()) org.slf4j.MDC.put(dev.grove.queue.LogContext.REPOSITORY, repository);
        JsonNode number = event.payload().path("issue").path("number").isMissingNode()
                ? event.payload().path("pull_request").path("number") : event.payload().path("issue").path("number");
        if (number.canConvertToInt()) org.slf4j.MDC.put(dev.grove.queue.LogContext.ISSUE, number.asText());
        try {
            Routing routing = router.route(event);
            if (routing instanceof Routing.Enqueue job && job.gate() != null && lane == Routing.Lane.SHORT) {
                log.info("delivery {}: admitting {}", deliveryId, job.description());
                if (job.gate().getAsBoolean()) {
                    // a revived gate may find its long job queued already: then it stays queued once
                    longScheduler.scheduleIfNotExists(longTask.instance(deliveryId, deliveryId), Instant.now());
                    longScheduler.triggerCheckForDueExecutions();
                    return;
                }
            } else if (routing instanceof Routing.Enqueue job) {
                log.info("delivery {}: running {}", deliveryId, job.description());
                job.job().run();
            }
            finish(deliveryId, "DONE", null);
        } finally {
            org.slf4j.MDC.remove(dev.grove.queue.LogContext.DELIVERY);
            org.slf4j.MDC.remove(dev.grove.queue.LogContext.REPOSITORY);
            org.slf4j.MDC.remove(dev.grove.queue.LogContext.ISSUE);
        }
    }

    private void gaveUp(String deliveryId, Throwable cause) {
        String why = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        log.error("delivery {}: giving up after {} attempts: {}", deliveryId, settings.attempts(), why);
        Optional<Stored> stored = load(deliveryId);
        stored.filter(s -> s.body() != null).ifPresent(s -> {
            try {
                report.failed(event(deliveryId, s), why);
            } catch (RuntimeException e) {
                log.error("delivery {}: the failure could not be reported either: {}", deliveryId, e.getMessage());
            }
        });
        finish(deliveryId, "FAILED", why); // last: until then the job counts as pending
    }

    private void finish(String deliveryId, String state, String error) {
        db.withConnection(c -> {
            // a failed delivery keeps its body for GitHub's Redeliver; a handled one keeps only its id and hash
            try (PreparedStatement ps = c.prepareStatement("update grove_delivery set state = ?, finished_at = ?, "
                    + "error = ?" + (state.equals("DONE") ? ", payload = null" : "") + " where delivery_id = ?")) {
                ps.setString(1, state);
                ps.setTimestamp(2, Timestamp.from(clock.instant()));
                ps.setString(3, error == null ? null : error.length() > 1900 ? error.substring(0, 1900) : error);
                ps.setString(4, deliveryId);
                return ps.executeUpdate();
            }
        });
    }

    private volatile Runnable alsoOnRetention = () -> { };

    /** What the retention job does besides forgetting old deliveries (the state store's pruning): set before start. */
    public void alsoOnRetention(Runnable prune) {
        this.alsoOnRetention = prune;
    }

    /** Deletes deliveries older than the retention period (not queued ones). Returns how many. */
    public int forgetOldDeliveries() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "delete from grove_delivery where received_at < ? and state <> 'QUEUED'")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant().minus(settings.retention())));
                int n = ps.executeUpdate();
                if (n > 0) log.info("forgot {} deliveries older than {}", n, settings.retention());
                return n;
            }
        });
    }

    // ---- watching and stopping ---------------------------------------------------------------------------------

    /**
     * Deliveries whose job is queued or running, in every process (a job ends by marking its delivery), and work
     * scheduled for later ({@link #scheduleOnce}) that has not finished.
     */
    public int pending() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select (select count(*) from grove_delivery where state ="
                    + " 'QUEUED') + (select count(*) from scheduled_tasks where task_name = '" + LATER_TASK + "')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Waits until no job is queued or running; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (pending() > 0) {
            if (Instant.now().isAfter(deadline)) return false;
            Thread.sleep(50);
        }
        return true;
    }

    /** Takes no more jobs; running ones go on. */
    public void pause() {
        shortScheduler.pause();
        longScheduler.pause();
    }

    /** Waits until none of this process's jobs is running; false on timeout. */
    public boolean awaitOwnJobs(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!shortScheduler.getCurrentlyExecuting().isEmpty() || !longScheduler.getCurrentlyExecuting().isEmpty()) {
            if (Instant.now().isAfter(deadline)) return false;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Stops taking jobs and waits for running ones up to the drain timeout. Jobs still running then stay claimed
     * by this process in the database, and are revived (by the next start, or another process) once its heartbeat
     * is stale.
     */
    @Override
    public void close() {
        writing = false; // what is waiting is still recorded (and answered) before the writers end
        for (Thread t : writers) {
            try {
                t.join(INTAKE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Thread shortStop = new Thread(shortScheduler::stop, "grove-stop-short");
        shortStop.start();
        longScheduler.stop();
        try {
            shortStop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * db-scheduler on SQLite, as its own {@code SqliteJdbcCustomization} does from 16.12 (this project pins 16.7.1, the
     * newest Maven Central serves here): its defaults but for the row limit, which SQLite spells {@code LIMIT n}, not
     * {@code OFFSET 0 ROWS FETCH FIRST n ROWS ONLY} (a syntax error: no job was ever picked). Timestamps go through the
     * driver, which writes them as milliseconds since 1970 whatever the zone.
     */
    static final class SqliteJdbcCustomization extends com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization {
        SqliteJdbcCustomization() {
            super(false);
        }

        @Override
        public String getName() {
            return "SQLite";
        }

        @Override
        public String getQueryLimitPart(int limit) {
            return " LIMIT " + limit;
        }
    }
}
