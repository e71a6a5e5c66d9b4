package dev.grove.app;

import dev.grove.queue.DurableJobQueue;
import dev.grove.queue.JobQueue;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/** Test-side door to {@link GroveServer}'s package-level intake seam, for the benchmarks in {@code dev.grove.bench}. */
public final class GroveServerSeam {
    private GroveServerSeam() {
    }

    /** {@code grove serve} exactly as wired in production, except that the webhook enqueues to {@code sink}. */
    public static GroveServer startWithIntakeSink(AppConfig config, JobQueue sink) throws IOException {
        return GroveServer.start(config, jobs -> sink);
    }

    /** {@code grove serve} exactly as wired in production, and the durable job queue its webhook records to. */
    public record Durable(GroveServer server, DurableJobQueue jobs) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /** {@code grove serve} exactly as production wires it ({@code jobs -> jobs}); the queue is handed back as well. */
    public static Durable startDurable(AppConfig config) throws IOException {
        AtomicReference<DurableJobQueue> queue = new AtomicReference<>();
        GroveServer server = GroveServer.start(config, jobs -> {
            queue.set((DurableJobQueue) jobs);
            return jobs;
        });
        return new Durable(server, queue.get());
    }

    /** How many long jobs (issue runs) one process runs at once. */
    public static int longJobThreads() {
        return GroveServer.LONG_JOB_THREADS;
    }
}
