package dev.grove.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most one tracking-comment write per issue per {@code interval}, whatever the number of tasks reporting: a write
 * offered too soon after the last one is kept as the issue's pending write (a newer one replaces it) and goes out
 * when the interval has passed (the trailing flush), so the newest state is always written. Writes of one issue run
 * one at a time, in order. GitHub's secondary rate limit counts content-creating requests per minute; 16 tasks with
 * their own throttles could edit one comment every few hundred milliseconds.
 */
public final class CommentPacer {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    /** Runs {@code job} after {@code delay}. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable job, Duration delay);
    }

    private static final class Slot {
        Instant last;
        Runnable pending;
        long pendingSeq;
        long submitted;
        long written;
        boolean scheduled;
    }

    private final Clock clock;
    private final Duration interval;
    private final Scheduler scheduler;
    private final Map<Object, Slot> slots = new ConcurrentHashMap<>();

    public CommentPacer(Clock clock, Duration interval, Scheduler scheduler) {
        this.clock = clock;
        this.interval = interval;
        this.scheduler = scheduler;
    }

    /** Paced on the clock, with trailing flushes on a daemon timer thread. */
    public static CommentPacer withTimer(Clock clock, Duration interval) {
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "grove-comment-flush-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new CommentPacer(clock, interval,
                (job, delay) -> timer.schedule(job, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS));
    }

    public Duration interval() {
        return interval;
    }

    /** Writes now if the issue's last write is {@code interval} old, else later (see the class comment). */
    public void offer(Object issue, Runnable write) {
        submit(issue, write, false);
    }

    /**
     * Like {@link #offer}, but returns only once this write (or a newer one) has gone out: for the state a run ends
     * with, so the job is not finished before its comment is.
     */
    public void offerAndWait(Object issue, Runnable write) {
        submit(issue, write, true);
    }

    private void submit(Object issue, Runnable write, boolean await) {
        Slot s = slots.computeIfAbsent(issue, k -> new Slot());
        synchronized (s) {
            long seq = ++s.submitted;
            Instant now = clock.instant();
            if (!s.scheduled && (s.last == null || !now.isBefore(s.last.plus(interval)))) {
                try {
                    write.run();
                } finally {
                    s.last = clock.instant(); // the interval runs from the end of a write: requests stay apart
                    s.written = seq;
                    s.notifyAll();
                }
                return;
            }
            s.pending = write;
            s.pendingSeq = seq;
            if (!s.scheduled) {
                s.scheduled = true;
                Duration delay = Duration.between(now, s.last.plus(interval));
                scheduler.schedule(() -> flush(s), delay.isNegative() ? Duration.ZERO : delay);
            }
            if (await) {
                long deadline = System.nanoTime() + interval.multipliedBy(3).plusSeconds(30).toNanos();
                while (s.written < seq && System.nanoTime() < deadline) {
                    try {
                        s.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void flush(Slot s) {
        synchronized (s) {
            s.scheduled = false;
            Runnable w = s.pending;
            long seq = s.pendingSeq;
            s.pending = null;
            if (w == null) return;
            try {
                w.run();
            } finally {
                s.last = clock.instant();
                s.written = Math.max(s.written, seq);
                s.notifyAll();
            }
        }
    }
}
