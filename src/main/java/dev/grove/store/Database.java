package dev.grove.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Grove's database: SQLite in a file under the data folder when no URL is given (no server needed), PostgreSQL when
 * {@code GROVE_DATABASE_URL} names one. A data folder that already holds an H2 database from an earlier Grove
 * ({@code grove.mv.db}) goes on using it. One pool (HikariCP), the schema migrated by Flyway at open
 * ({@code db/migration}; SQLite's own words for it in {@code db/sqlite}), and transactions that the job queue's client
 * joins: {@link #inTransaction} binds its connection to the thread, and {@link #dataSource()} hands that connection
 * out while it is bound.
 */
public final class Database implements AutoCloseable {
    /**
     * The databases Grove speaks. The embedded ones (SQLite, and H2 for data folders made before SQLite) commit one
     * transaction at a time; PostgreSQL commits many at once, and is the one several processes share.
     */
    public enum Kind {
        H2, SQLITE, POSTGRESQL;

        /** True for a database in a file of this process's own, which writes one transaction at a time. */
        public boolean embedded() {
            return this != POSTGRESQL;
        }
    }

    private final HikariDataSource pool;
    private final Kind kind;
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();
    private final DataSource txAware;
    private final AutoCloseable housekeeping;

    private Database(HikariDataSource pool, Kind kind) {
        this.pool = pool;
        this.kind = kind;
        this.txAware = new BoundDataSource();
        this.housekeeping = switch (kind) {
            case H2 -> new H2Housekeeping(pool, 1_000);
            case SQLITE -> new SqliteCheckpoints(pool);
            case POSTGRESQL -> null;
        };
    }

    /**
     * The embedded database in {@code dataDir} (file {@code grove.db}; {@code grove.mv.db} where an earlier Grove
     * made an H2 database there), or {@code url} when it is set.
     */
    public static Database open(String url, Path dataDir) {
        if (url == null || url.isBlank()) {
            try {
                Files.createDirectories(dataDir); // as H2 did; SQLite makes the file, not its folder
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot make the data folder " + dataDir, e);
            }
            return open(embeddedUrl(dataDir), null, 10);
        }
        return open(url, null, 10);
    }

    /** SQLite in {@code dataDir}, unless the folder holds an H2 database and no SQLite one: then that H2 database. */
    static String embeddedUrl(Path dataDir) {
        if (Files.exists(dataDir.resolve("grove.mv.db")) && !Files.exists(dataDir.resolve(SQLITE_FILE))) {
            LoggerFactory.getLogger(Database.class).info("{} holds the H2 database of an earlier Grove (grove.mv.db): "
                    + "Grove goes on using it; a new data folder gets SQLite", dataDir);
            return h2Url(dataDir);
        }
        return sqliteUrl(dataDir);
    }

    static final String SQLITE_FILE = "grove.db";

    /**
     * SQLite's settings are the driver's connection properties ({@link #sqliteProperties}); the URL only names the
     * file. The driver unpacks its native library into {@code org.sqlite.tmpdir}: Grove points that at its own data
     * folder (its alone, 0700), not the shared {@code /tmp}.
     */
    public static String sqliteUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SQLITE_FILE);
    }

    /**
     * {@code WRITE_DELAY=0}: H2 writes each commit to its file as the commit returns. H2's default (500 ms) leaves the
     * last half second of commits in memory, and a {@code kill -9} lost them: a restart found tasks without the branch
     * names already given to them, and pushed them again as {@code …-2} (DurabilityFlowIT, under load;
     * EmbeddedDatabaseCrashTest). H2 then does no housekeeping of its own: {@link H2Housekeeping} does it.
     * {@code DB_CLOSE_ON_EXIT=FALSE}: Grove closes the database itself, after the SIGTERM drain. H2's own shutdown
     * hook closed it at once, while the drain's jobs still recorded how they ended ("Database is already closed").
     * {@code CACHE_SIZE=1024} (KB; H2's default is 16 MB): H2's page cache is on Grove's heap and holds mostly the pages
     * it has just written (each delivery's 14 KB body among them), so every young collection copied up to 16 MB of
     * them: 12–13 ms pauses, the embedded intake's p99 at 400 deliveries/s (bench/RESULTS.md). With 1 MB the pauses
     * were about 4 ms and the throughput the same; a page not in it is read again from the file (the OS caches it).
     */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("grove")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=1024";
    }

    /**
     * Opens and migrates. {@code schema}, when given, is created and used (tests give each its own); the URL may
     * carry its credentials ({@code ?user=...&password=...}) as the driver reads them.
     */
    public static Database open(String url, String schema, int poolSize) {
        Kind kind;
        if (url.startsWith("jdbc:h2:")) {
            kind = Kind.H2;
        } else if (url.startsWith("jdbc:sqlite:")) {
            kind = Kind.SQLITE;
        } else if (url.startsWith("jdbc:postgresql:")) {
            kind = Kind.POSTGRESQL;
        } else {
            throw new IllegalArgumentException("GROVE_DATABASE_URL must be a PostgreSQL JDBC URL "
                    + "(jdbc:postgresql://host:5432/db?user=...), not " + redact(url));
        }
        if (schema != null) {
            migrate(url, schema); // creates the schema first, so the pool's connections can use it
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("grove-db");
        cfg.setConnectionTimeout(10_000);
        cfg.setInitializationFailTimeout(10_000);
        if (schema != null) cfg.setSchema(schema);
        if (kind == Kind.SQLITE) {
            nativeLibraryInDataFolder(url);
            cfg.setDataSourceProperties(sqliteProperties());
        }
        HikariDataSource pool = new HikariDataSource(cfg);
        if (schema == null) {
            try {
                migrations(Flyway.configure().dataSource(pool), kind).load().migrate();
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
        return new Database(pool, kind);
    }

    private static void migrate(String url, String schema) {
        Flyway.configure().dataSource(url, null, null).schemas(schema).defaultSchema(schema).createSchemas(true)
                .javaMigrations(new DeliveryBodyAsBytes())
                .load().migrate();
    }

    /** H2 and PostgreSQL: {@code db/migration} and one migration in Java; SQLite: {@code db/sqlite}. */
    private static FluentConfiguration migrations(FluentConfiguration flyway, Kind kind) {
        if (kind == Kind.SQLITE) return flyway.locations("classpath:db/sqlite");
        return flyway.javaMigrations(new DeliveryBodyAsBytes());
    }

    /**
     * SQLite, measured on the durable-intake benchmark against H2 (bench/RESULTS.md):
     * <ul>
     * <li>{@code journal_mode=WAL}: a commit appends its pages to {@code grove.db-wal}; readers never wait for the
     * writer, nor it for them;
     * <li>{@code synchronous=NORMAL}: the commit is written to the file (the OS has it) before it returns, not
     * {@code fsync}ed; a {@code kill -9} loses nothing (EmbeddedDatabaseCrashTest), a power cut may lose the last
     * commits but never corrupts the file. H2 ({@code WRITE_DELAY=0}) promised the same;
     * <li>{@code transaction_mode=IMMEDIATE}: a transaction takes the write lock when it begins, so one that reads then
     * writes never fails on a row another connection changed meanwhile ({@code SQLITE_BUSY_SNAPSHOT}); it waits its
     * turn, up to {@code busy_timeout} (10 s, Hikari's own wait for a connection);
     * <li>the WAL is copied back into the database by {@link SqliteCheckpoints}, on a thread of its own, not by the
     * commit that crosses SQLite's threshold ({@code wal_autocheckpoint}, left as a backstop at 10,000 pages):
     * that copy and its {@code fsync} were the intake's slowest commits; once emptied, the log file is cut back to
     * 64 MB ({@code journal_size_limit});
     * <li>{@code cache_size=-2000}: 2 MB of page cache per connection, outside the Java heap.
     * </ul>
     */
    static Properties sqliteProperties() {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "NORMAL");
        p.setProperty("transaction_mode", "IMMEDIATE");
        p.setProperty("busy_timeout", "10000");
        p.setProperty("wal_autocheckpoint", "10000");
        p.setProperty("cache_size", "-2000");
        p.setProperty("journal_size_limit", String.valueOf(64 << 20)); // the emptied log cut back to 64 MB at most
        return p;
    }

    private static void nativeLibraryInDataFolder(String url) {
        if (System.getProperty("org.sqlite.tmpdir") != null) return;
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && Files.isDirectory(dir)) System.setProperty("org.sqlite.tmpdir", dir.toString());
    }

    /** A URL for logs: no query string (it may hold a password). */
    public static String redact(String url) {
        int q = url.indexOf('?');
        String noQuery = q < 0 ? url : url.substring(0, q) + "?…";
        int semi = noQuery.indexOf(';');
        return semi < 0 ? noQuery : noQuery.substring(0, semi);
    }

    public Kind kind() {
        return kind;
    }

    /** Connections for anyone; inside {@link #inTransaction} on this thread, that transaction's connection. */
    public DataSource dataSource() {
        return txAware;
    }

    /** Work that uses one connection. */
    @FunctionalInterface
    public interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode (or in the thread's transaction). */
    public <T> T withConnection(Sql<T> work) {
        Connection inTx = bound.get();
        try {
            if (inTx != null) return work.run(inTx);
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. Anything that asks
     * {@link #dataSource()} for a connection on this thread meanwhile (the job queue's client) joins it.
     */
    public <T> T inTransaction(Sql<T> work) {
        if (bound.get() != null) {
            return withConnection(work);
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            bound.set(c);
            try {
                T result = work.run(c);
                commit(c);
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                bound.remove();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * SQLite's driver begins the next transaction as soon as one commits ({@code commit()} runs {@code commit} then
     * {@code begin immediate}), so the write lock would be taken again, and waited for, only to be given back by
     * {@code setAutoCommit(true)}: there, leaving manual commit mode is the commit.
     */
    private void commit(Connection c) throws SQLException {
        if (kind == Kind.SQLITE) {
            c.setAutoCommit(true);
        } else {
            c.commit();
        }
    }

    private void rollback(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        } else if (kind == Kind.SQLITE) {
            // the commit itself failed: the driver already counts the connection in auto-commit mode, but SQLite's
            // transaction (and its write lock) may still be open
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("rollback");
            } catch (SQLException none) {
                // no transaction was open
            }
        }
    }

    /** True when the exception says a row with that key exists already. */
    public static boolean isDuplicateKey(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLiteException s) { // SQLite gives no SQL state, only its own result codes
            SQLiteErrorCode code = s.getResultCode();
            return code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
        }
        return "23505".equals(state) || "23001".equals(state);
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            try {
                housekeeping.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(Database.class).warn("closing the embedded database's housekeeping: {}",
                        e.toString());
            }
        }
        pool.close();
    }

    /** A database error, unchecked. */
    public static final class StoreException extends RuntimeException {
        public StoreException(SQLException e) {
            super("database: " + e.getMessage(), e);
        }
    }

    /** The pool, except that a thread inside {@link #inTransaction} gets its own connection (closing it is a no-op). */
    private final class BoundDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            Connection c = bound.get();
            if (c == null) return pool.getConnection();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) return null;
                        try {
                            return method.invoke(c, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("credentials come from the URL");
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getLogger("dev.grove.store");
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return pool.isWrapperFor(iface);
        }
    }
}
