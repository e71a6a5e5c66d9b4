package dev.grove.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file, on a thread of its own. In WAL mode a commit only
 * appends to {@code grove.db-wal}; a checkpoint copies those pages into {@code grove.db} and {@code fsync}s both, after
 * which the next commit starts the log again from its beginning. Left to SQLite, the checkpoint runs inside the commit
 * that crosses {@code wal_autocheckpoint} (1,000 pages: every ~200 deliveries, whose bodies are ~14 KB): that commit
 * then took 5-15 ms instead of ~0.1 ms. Here a {@code PASSIVE} checkpoint runs every {@link #PERIOD_MILLIS}: it copies
 * what no reader still needs and takes no lock a commit or a read waits for. Its {@code fsync}s still slow the commits
 * that run beside them (in the file system), the more so the more each one carries: on the durable-intake benchmark at
 * 400 deliveries/s the intake's p99 was 10.4 ms with a checkpoint a second, 6.3 ms with one every 200 ms and 2.2 ms
 * every 50 ms (bench/RESULTS.md). The period bounds what a power cut may lose to about that long (a killed process
 * loses nothing: what is committed is in the log).
 */
final class SqliteCheckpoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpoints.class);
    static final long PERIOD_MILLIS = 50;

    private final DataSource pool;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grove-sqlite-checkpoint");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failedOnce;

    SqliteCheckpoints(DataSource pool) {
        this.pool = pool;
        thread.scheduleWithFixedDelay(() -> checkpoint("PASSIVE"), PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One checkpoint; a failure is logged once, until one succeeds again (the next runs 50 ms later). */
    private void checkpoint(String mode) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("pragma wal_checkpoint(" + mode + ")")) {
            failedOnce = false;
        } catch (SQLException | RuntimeException e) {
            if (!failedOnce) log.warn("SQLite checkpoint ({}): {}", mode, e.toString());
            failedOnce = true;
        }
    }

    /** Stops, then copies the whole log into the database and empties it, so the folder holds one file at rest. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpoint("TRUNCATE");
    }
}
