package dev.grove.queue;

import dev.grove.store.StateStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process job queue: a thread pool. A job's failure is logged, never lost silently; jobs die with the process.
 * {@code grove serve} uses {@link DurableJobQueue}; this one serves tests and tools that need no database.
 */
public final class ExecutorJobQueue implements JobQueue, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorJobQueue.class);
    private final ExecutorService pool;
    private final StateStore store;
    private final AtomicInteger pending = new AtomicInteger();
    private final Runnable onFailure;
    private final java.util.Deque<FailedJob> failures = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** A job that ended with an exception: when, what, and the exception's message. */
    public record FailedJob(java.time.Instant at, String description, String error) {
    }

    public ExecutorJobQueue(int threads) {
        this(threads, null, () -> { });
    }

    /**
     * @param store     where delivery ids are recorded, so a redelivery is not acted on twice (null: not recorded)
     * @param onFailure runs once for each job that ends with an exception (metrics)
     */
    public ExecutorJobQueue(int threads, StateStore store, Runnable onFailure) {
        this.store = store;
        this.onFailure = onFailure;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "grove-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Admission submit(Delivery delivery, Routing.Enqueue job) {
        if (store != null && !store.recordDelivery(delivery.id())) {
            return Admission.ALREADY_HANDLED;
        }
        submit(job.description(), job.whole());
        return Admission.QUEUED;
    }

    /** Runs {@code job} on the pool. */
    public void submit(String description, Runnable job) {
        pending.incrementAndGet();
        Runnable withFacts = dev.grove.queue.LogContext.carry(job, null, null);
        pool.execute(() -> {
            try {
                withFacts.run();
            } catch (RuntimeException | Error e) {
                log.error("job failed: {}", description, e);
                failures.addFirst(new FailedJob(java.time.Instant.now(), description, String.valueOf(e)));
                while (failures.size() > 50) failures.pollLast();
                onFailure.run();
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** The latest jobs that failed (at most 50), newest first. */
    public java.util.List<FailedJob> recentFailures() {
        return java.util.List.copyOf(failures);
    }

    /** Jobs submitted and not yet finished. */
    public int pending() {
        return pending.get();
    }

    /** Waits until no job is pending; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
