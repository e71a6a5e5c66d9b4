package dev.grove.queue;

/** A verified delivery as it arrived: GitHub's delivery id and event name, and the raw body (what its job re-reads). */
public record Delivery(String id, String event, byte[] body) {
}
