package dev.grove.queue;

/** Where webhook handling hands work off, so the request returns at once. */
public interface JobQueue {
    void submit(String description, Runnable job);
}
