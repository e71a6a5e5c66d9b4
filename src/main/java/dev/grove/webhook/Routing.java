package dev.grove.webhook;

/** What the router decided for a delivery: a job to enqueue, or why it is ignored. */
public sealed interface Routing {
    record Enqueue(String description, Runnable job) implements Routing {
    }

    record Ignore(String reason) implements Routing {
    }
}
