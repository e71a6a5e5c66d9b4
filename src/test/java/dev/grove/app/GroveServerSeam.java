package dev.grove.app;

import dev.grove.queue.JobQueue;
import java.io.IOException;

/** Test-side door to {@link GroveServer}'s package-level intake seam, for the benchmarks in {@code dev.grove.bench}. */
public final class GroveServerSeam {
    private GroveServerSeam() {
    }

    /** {@code grove serve} exactly as wired in production, except that the webhook enqueues to {@code sink}. */
    public static GroveServer startWithIntakeSink(AppConfig config, JobQueue sink) throws IOException {
        return GroveServer.start(config, jobs -> sink);
    }
}
