package dev.grove.github;

import java.time.Instant;

/**
 * A check run on a commit, as listed: its id, {@code external_id} (or null), {@code started_at} (or null) and
 * {@code status} ({@code queued}, {@code in_progress}, {@code completed}; or null).
 */
public record CheckRunRef(long id, String externalId, Instant startedAt, String status) {
    public CheckRunRef(long id, String externalId, Instant startedAt) {
        this(id, externalId, startedAt, null);
    }

    public boolean completed() {
        return "completed".equals(status);
    }
}
