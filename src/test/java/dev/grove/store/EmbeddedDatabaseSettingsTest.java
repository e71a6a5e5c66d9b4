package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database runs with the settings that were measured or found to matter. SQLite (the default; each
 * setting explained at {@code Database#sqliteProperties}): a write-ahead log, commits written but not {@code fsync}ed,
 * transactions that take the write lock when they begin, and a log copied back by Grove's own thread rather than by
 * the commit that crosses SQLite's threshold. H2 (data folders made before SQLite; {@code Database#h2Url}): commits
 * written at once, H2's 45 s retention kept (3 s lost commits on {@code kill -9}), and a 1 MB page cache (16 MB made
 * every young collection of the intake copy up to 16 MB of freshly written pages).
 */
class EmbeddedDatabaseSettingsTest {
    @Test
    void sqliteIsTheDefaultAndRunsWithTheMeasuredSettings(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(null, dir); Connection c = db.dataSource().getConnection()) {
            assertEquals(Database.Kind.SQLITE, db.kind());
            assertEquals("wal", pragma(c, "journal_mode"));
            assertEquals("1", pragma(c, "synchronous"), "NORMAL");
            assertEquals("10000", pragma(c, "busy_timeout"));
            assertEquals("10000", pragma(c, "wal_autocheckpoint"));
            assertEquals("-2000", pragma(c, "cache_size"));
            // IMMEDIATE: a transaction holds the write lock from its start, so another cannot begin meanwhile
            try (Connection other = db.dataSource().getConnection()) {
                other.createStatement().execute("pragma busy_timeout = 0");
                c.setAutoCommit(false);
                java.sql.SQLException busy = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                        () -> other.setAutoCommit(false));
                assertTrue(busy.getMessage().contains("SQLITE_BUSY"), busy.getMessage());
                c.setAutoCommit(true);
                other.createStatement().execute("pragma busy_timeout = 10000");
            }
        }
        assertTrue(Files.exists(dir.resolve("grove.db")));
        assertFalse(Files.exists(dir.resolve("grove.mv.db")));
        assertEquals(0, Files.exists(dir.resolve("grove.db-wal")) ? Files.size(dir.resolve("grove.db-wal")) : 0,
                "closing copies the log into the database and empties it");
    }

    @Test
    void theLogIsCopiedBackByGrovesOwnThreadNotByACommit(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(null, dir)) {
            Path file = dir.resolve("grove.db");
            Thread.sleep(Math.max(500, 3 * SqliteCheckpoints.PERIOD_MILLIS)); // the migration's pages copied back
            long before = Files.size(file);
            db.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("insert into grove_plan (repo, issue, plan) values ('o/r', 1, '" + "x".repeat(200_000)
                            + "')");
                }
                return null;
            });
            assertTrue(Files.size(dir.resolve("grove.db-wal")) > 200_000, "the commit went to the log");
            // far below SQLite's own threshold (10,000 pages): only Grove's thread copies these pages back
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(file) < before + 150_000 && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(Files.size(file) >= before + 150_000,
                    "the database file has the plan: " + before + " -> " + Files.size(file));
        }
    }

    @Test
    void aFolderHoldingAnEarlierGrovesH2DatabaseKeepsIt(@TempDir Path dir) throws Exception {
        try (Database h2 = Database.open(Database.h2Url(dir), null, 2)) {
            new JdbcStateStore(h2, "earlier", java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(5))
                    .saveTrackingComment(dev.grove.model.RepoRef.parse("octo-org/shop"), 7, 42L);
        }
        try (Database db = Database.open(null, dir)) {
            assertEquals(Database.Kind.H2, db.kind(), "the data folder's own database, not a new empty one");
            JdbcStateStore later = new JdbcStateStore(db, "later", java.time.Clock.systemUTC(),
                    java.time.Duration.ofMinutes(5));
            assertEquals(java.util.Optional.of(42L),
                    later.trackingComment(dev.grove.model.RepoRef.parse("octo-org/shop"), 7));
        }
        assertFalse(Files.exists(dir.resolve("grove.db")));
    }

    @Test
    void h2RunsWithTheMeasuredSettings(@TempDir Path dir) throws Exception {
        Map<String, String> settings = new HashMap<>();
        try (Database db = Database.open(Database.h2Url(dir), null, 2); Connection c = db.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "select setting_name, setting_value from information_schema.settings")) {
            while (rs.next()) settings.put(rs.getString(1), rs.getString(2));
        }
        assertEquals("1", settings.get("info.CACHE_MAX_SIZE"), "page cache, MB: " + settings);
        assertEquals("45000", settings.get("RETENTION_TIME"), settings.toString());
        assertEquals("0", settings.get("WRITE_DELAY"), settings.toString());
    }

    private static String pragma(Connection c, String name) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("pragma " + name)) {
            assertTrue(rs.next(), name);
            return rs.getString(1);
        }
    }
}
