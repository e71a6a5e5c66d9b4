package dev.grove.queue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded job queue: a thread pool in this process. A job's failure is logged, never lost silently. */
public final class ExecutorJobQueue implements JobQueue, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorJobQueue.class);
    private final ExecutorService pool;
    private final AtomicInteger pending = new AtomicInteger();

    public ExecutorJobQueue(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "grove-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void submit(String description, Runnable job) {
        pending.incrementAndGet();
        pool.execute(() -> {
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                log.error("job failed: {}", description, e);
            } finally {
                pending.decrementAndGet();
            }
        });
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
