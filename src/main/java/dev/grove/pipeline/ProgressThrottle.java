package dev.grove.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Lets one progress update through per {@code interval} (per task), so an agent that reports every second does not
 * become a GitHub call every second. Thread-safe.
 */
public final class ProgressThrottle {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private final Clock clock;
    private final Duration interval;
    private Instant last;

    public ProgressThrottle(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /** True if an update may go out now (and counts it as gone out). The first always may. */
    public synchronized boolean tryPass() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.plus(interval))) {
            return false;
        }
        last = now;
        return true;
    }
}
