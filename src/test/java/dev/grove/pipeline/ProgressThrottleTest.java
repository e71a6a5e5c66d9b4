package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void letsOneUpdateThroughPerInterval() {
        MutableClock clock = new MutableClock();
        ProgressThrottle t = new ProgressThrottle(clock, Duration.ofSeconds(5));
        assertTrue(t.tryPass(), "the first goes out");
        assertFalse(t.tryPass());
        clock.now = clock.now.plusSeconds(4);
        assertFalse(t.tryPass(), "4s later: still held");
        clock.now = clock.now.plusSeconds(1);
        assertTrue(t.tryPass(), "5s after the last one");
        clock.now = clock.now.plusMillis(4999);
        assertFalse(t.tryPass());
    }
}
