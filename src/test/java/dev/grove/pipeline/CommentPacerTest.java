package dev.grove.pipeline;

import dev.grove.publish.CommentPacer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommentPacerTest {
    /** A scheduler driven by the test's clock: jobs run when the test moves time past them. */
    static final class ManualScheduler implements CommentPacer.Scheduler {
        final ProgressThrottleTest.MutableClock clock;
        final List<Instant> due = new ArrayList<>();
        final List<Runnable> jobs = new ArrayList<>();

        ManualScheduler(ProgressThrottleTest.MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public synchronized void schedule(Runnable job, Duration delay) {
            due.add(clock.now.plus(delay));
            jobs.add(job);
        }

        void advance(Duration d) {
            clock.now = clock.now.plus(d);
            while (true) {
                Runnable next = null;
                synchronized (this) {
                    for (int i = 0; i < jobs.size(); i++) {
                        if (!due.get(i).isAfter(clock.now)) {
                            next = jobs.remove(i);
                            due.remove(i);
                            break;
                        }
                    }
                }
                if (next == null) return;
                next.run();
            }
        }
    }

    @Test
    void oneWritePerIssuePerIntervalAndTheLastStateIsWritten() {
        ProgressThrottleTest.MutableClock clock = new ProgressThrottleTest.MutableClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        CommentPacer pacer = new CommentPacer(clock, Duration.ofSeconds(5), scheduler);
        List<String> written = new ArrayList<>();
        List<Instant> at = new ArrayList<>();

        pacer.offer("o/r#1", () -> { written.add("v1"); at.add(clock.now); });
        for (int i = 2; i <= 40; i++) { // 39 more states in 3.9 s
            String v = "v" + i;
            clock.now = clock.now.plusMillis(100);
            pacer.offer("o/r#1", () -> { written.add(v); at.add(clock.now); });
        }
        assertEquals(List.of("v1"), written, "the first goes out, the rest wait");
        pacer.offer("o/r#2", () -> written.add("other issue"));
        assertEquals(List.of("v1", "other issue"), written, "another issue has its own pace");

        scheduler.advance(Duration.ofMillis(1000)); // 4.9 s after v1
        assertEquals(2, written.size());
        scheduler.advance(Duration.ofMillis(100)); // 5 s after v1: the trailing flush, with the newest state
        assertEquals(List.of("v1", "other issue", "v40"), written);

        pacer.offer("o/r#1", () -> { written.add("v41"); at.add(clock.now); });
        assertEquals(3, written.size(), "still too soon after the flush");
        scheduler.advance(Duration.ofSeconds(5));
        assertEquals("v41", written.get(3));
        for (int i = 1; i < at.size(); i++) {
            assertTrue(!at.get(i).isBefore(at.get(i - 1).plusSeconds(5)), "5 s apart: " + at);
        }
        scheduler.advance(Duration.ofSeconds(60));
        assertEquals(4, written.size(), "nothing written twice, nothing left over");
    }

    @Test
    void offerAndWaitReturnsOnceItsStateIsWritten() throws Exception {
        CommentPacer pacer = CommentPacer.withTimer(java.time.Clock.systemUTC(), Duration.ofMillis(300));
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        pacer.offer("i", () -> written.add("first"));
        pacer.offer("i", () -> written.add("superseded"));
        long start = System.nanoTime();
        pacer.offerAndWait("i", () -> written.add("final"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of("first", "final"), written);
        assertTrue(tookMs >= 200, "it waited for the interval: " + tookMs + " ms");
        CountDownLatch later = new CountDownLatch(1);
        Thread.sleep(400);
        pacer.offerAndWait("i", later::countDown);
        assertEquals(0, later.getCount(), "after a quiet interval, written at once");
    }
}
