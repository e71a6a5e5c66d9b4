package dev.grove.queue;

/** What the router decided for a delivery: a job to enqueue, or why it is ignored. */
public sealed interface Routing {
    /**
     * A job for the delivery. {@code lane} says how long it may take: short jobs (status, cancel, help, clean-ups)
     * have threads of their own, so they never wait behind agents' runs.
     */
    record Enqueue(String description, Runnable job, Lane lane) implements Routing {
        public Enqueue(String description, Runnable job) {
            this(description, job, Lane.LONG);
        }
    }

    record Ignore(String reason) implements Routing {
    }

    /** Which threads a job runs on. */
    enum Lane { SHORT, LONG }
}
