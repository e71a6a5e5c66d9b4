package dev.grove.queue;

import dev.grove.store.StateStore;
import java.util.function.BiConsumer;

/**
 * Where webhook handling hands work off, so the request returns at once. {@link #submit} records the delivery and
 * queues its job together: a durable queue does both in one transaction, and its worker runs the job by reading the
 * delivery back (see {@link DurableJobQueue}); the in-process queues run {@code job.job()} as given.
 */
public interface JobQueue {

    /** What became of a delivery given to {@link #submit}. */
    enum Admission {
        /** recorded, and its job queued */
        QUEUED,
        /** its id was recorded before and its work is queued or done (a redelivery) */
        ALREADY_HANDLED,
        /** a new id, but the very same body as a delivery already queued or handled (a replay) */
        REPLAY
    }

    Admission submit(Delivery delivery, Routing.Enqueue job);

    /** An in-process queue: deliveries recorded in {@code store} (a redelivery is refused), jobs given to {@code run}. */
    static JobQueue recording(StateStore store, BiConsumer<String, Runnable> run) {
        return (delivery, job) -> {
            if (!store.recordDelivery(delivery.id())) {
                return Admission.ALREADY_HANDLED;
            }
            run.accept(job.description(), job.whole());
            return Admission.QUEUED;
        };
    }
}
