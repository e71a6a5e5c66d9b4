package dev.grove.queue;

/** Turns one kind of delivery (e.g. {@code issues.labeled}) into a job, or says why it is ignored. Does no I/O. */
public interface EventHandler {
    Routing route(WebhookEvent event);
}
