package dev.grove.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded database's housekeeping, which H2 leaves undone with {@code WRITE_DELAY=0}. H2 writes each commit as a
 * new chunk of its file; its background thread rewrites the few live pages of old chunks, so that they die and their
 * space is used again. That thread runs only with a write delay ({@code FileStore.setAutoCommitDelay}), and Grove
 * needs none (a {@code kill -9} must lose no commit). Without it the file grew by ~33 KB per delivery and never shrank:
 * 3.4 GB after 100,000 deliveries on the live-heap benchmark (h2database issue #442: "compact() only called by the
 * background thread, which isn't enabled if the write delay is 0"). So Grove does it: once a second, the chunks whose
 * pages are mostly dead are rewritten (H2's own {@code MVStore.compact}, safe beside running transactions), a bounded
 * amount each time, and the file is synced ({@code fsync}: H2 never syncs a commit, so a power cut now loses about the
 * last second, a killed process still none). A dead chunk's space is used again once the chunk is older than H2's
 * retention time (45 s), so the file levels off at the live data plus about 45 s of writes. A shorter retention
 * (3 s) was tried and made {@code kill -9} lose commits on restart (DurabilityFlowIT, KillDuringPublishFlowIT and
 * ReviewThreadsFlowIT failed): H2's recovery needs its recent old chunks.
 */
final class H2Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);
    /** Rewrite while fewer than this share (%) of the chunks' bytes is live: H2's default 90, squared as when busy. */
    static final int TARGET_FILL_RATE = 81;
    /**
     * At most this many bytes of live pages moved per rewrite, and this long spent per round. Each rewrite first scans
     * the record of every chunk H2 holds (to pick the sparsest), so the limit decides how much one scan buys. With a
     * large delivery table most chunks keep a live page or two (leaves of the random-key indexes: delivery id, body
     * hash), and at 128 KB the rounds fell behind for good: on the live-heap benchmark past ~700,000 deliveries the
     * chunks held went from ~50,000 to 330,000 at 1M (111 MiB of live heap at rest, the file 24.7 GB). Measured on a
     * table of 800,000 handled deliveries and then the benchmark's flow at full rate, 7 minutes each: at 128 KB the
     * chunks holding a live page rose 21,500 → 45,000 and the file 7.0 → 9.1 GB; at 1 MB they stayed at 27,500-31,600,
     * the file level at 6.0 GB, and deliveries went ~10 % faster (bench/RESULTS.md).
     */
    static final int WRITE_LIMIT = 1 << 20;
    static final long ROUND_MILLIS = 200;

    private final HikariDataSource pool;
    private final ScheduledExecutorService timer;
    private volatile boolean warned;

    H2Housekeeping(HikariDataSource pool, long periodMillis) {
        this.pool = pool;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grove-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** One round: rewrites sparse chunks until the file is dense enough or the round's time is up. */
    int round() {
        int rewrites = 0;
        try (Connection c = pool.getConnection()) {
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore()
                    .getMvStore();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_MILLIS);
            while (!store.isClosed() && store.compact(TARGET_FILL_RATE, WRITE_LIMIT)) {
                rewrites++;
                if (System.nanoTime() > end) break;
            }
            // H2 never syncs a commit: what is written is on the disk within about a second
            if (!store.isClosed()) store.sync();
        } catch (Exception | Error e) {
            if (!warned) { // a closing pool, or H2 internals that moved: logged once, never fatal
                warned = true;
                log.warn("embedded database housekeeping: {}", e.toString());
            }
        }
        return rewrites;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
