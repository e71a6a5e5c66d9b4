package dev.grove.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Grove's database: H2 in a file under the data folder when no URL is given (no server needed), PostgreSQL when
 * {@code GROVE_DATABASE_URL} names one. One pool (HikariCP), the schema migrated by Flyway at open
 * ({@code db/migration}), and transactions that the job queue's client joins: {@link #inTransaction} binds its
 * connection to the thread, and {@link #dataSource()} hands that connection out while it is bound.
 */
public final class Database implements AutoCloseable {
    /** The two databases Grove speaks; they differ only in how a row is inserted or replaced. */
    public enum Kind { H2, POSTGRESQL }

    private final HikariDataSource pool;
    private final Kind kind;
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();
    private final DataSource txAware;
    private final H2Housekeeping housekeeping;

    private Database(HikariDataSource pool, Kind kind) {
        this.pool = pool;
        this.kind = kind;
        this.txAware = new BoundDataSource();
        this.housekeeping = kind == Kind.H2 ? new H2Housekeeping(pool, 1_000) : null;
    }

    /** The embedded database in {@code dataDir} (file {@code grove.mv.db}), or {@code url} when it is set. */
    public static Database open(String url, Path dataDir) {
        if (url == null || url.isBlank()) {
            return open(h2Url(dataDir), null, 10);
        }
        return open(url, null, 10);
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
    static String h2Url(Path dataDir) {
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
        HikariDataSource pool = new HikariDataSource(cfg);
        if (schema == null) {
            Flyway.configure().dataSource(pool).javaMigrations(new DeliveryBodyAsBytes()).load().migrate();
        }
        return new Database(pool, kind);
    }

    private static void migrate(String url, String schema) {
        Flyway.configure().dataSource(url, null, null).schemas(schema).defaultSchema(schema).createSchemas(true)
                .javaMigrations(new DeliveryBodyAsBytes())
                .load().migrate();
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
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                bound.remove();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** True when the exception says a row with that key exists already. */
    public static boolean isDuplicateKey(SQLException e) {
        String state = e.getSQLState();
        return "23505".equals(state) || "23001".equals(state);
    }

    @Override
    public void close() {
        if (housekeeping != null) housekeeping.close();
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
