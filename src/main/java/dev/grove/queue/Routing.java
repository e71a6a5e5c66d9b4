package dev.grove.queue;

import java.util.function.BooleanSupplier;

/** What the router decided for a delivery: a job to enqueue, or why it is ignored. */
public sealed interface Routing {
    /**
     * A job for the delivery. {@code lane} says how long it may take: short jobs (status, cancel, help, clean-ups)
     * have threads of their own, so they never wait behind agents' runs. A long job may have a {@code gate}: its quick
     * first part (reading the config, the permission gate, the reply to someone refused), run on the short lane; only
     * when the gate admits it does {@code job} go on to the long lane. So a refusal never waits behind runs.
     */
    record Enqueue(String description, Runnable job, Lane lane, BooleanSupplier gate) implements Routing {
        public Enqueue(String description, Runnable job) {
            this(description, job, Lane.LONG, null);
        }

        public Enqueue(String description, Runnable job, Lane lane) {
            this(description, job, lane, null);
        }

        /** A long job behind {@code gate}, which runs first, on the short lane. */
        public static Enqueue gated(String description, BooleanSupplier gate, Runnable job) {
            return new Enqueue(description, job, Lane.LONG, gate);
        }

        /** The lane the delivery is queued on first: the short one when a gate comes first. */
        public Lane firstLane() {
            return gate != null ? Lane.SHORT : lane;
        }

        /** The gate, then the job if admitted, on one thread (for queues without lanes). */
        public Runnable whole() {
            return gate == null ? job : () -> {
                if (gate.getAsBoolean()) job.run();
            };
        }
    }

    record Ignore(String reason) implements Routing {
    }

    /** Which threads a job runs on. */
    enum Lane { SHORT, LONG }
}
