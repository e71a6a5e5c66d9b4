package dev.grove.github;

import java.time.Instant;

/** A check run on a commit, as listed: its id, {@code external_id} (or null) and {@code started_at} (or null). */
public record CheckRunRef(long id, String externalId, Instant startedAt) {
}
