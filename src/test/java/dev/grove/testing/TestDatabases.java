package dev.grove.testing;

import dev.grove.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for tests. PostgreSQL is read from {@code GROVE_TEST_DATABASE_URL} (default: the machine's own,
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}); each call makes its own schema, so parallel tests
 * never share rows. When PostgreSQL cannot be reached the test is skipped with a message, except on CI
 * ({@code CI=true}), where that fails it.
 */
public final class TestDatabases {
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private TestDatabases() {
    }

    public static String postgresUrl() {
        String url = System.getenv("GROVE_TEST_DATABASE_URL");
        return url == null || url.isBlank() ? DEFAULT_URL : url;
    }

    /** Skips (or on CI fails) unless PostgreSQL answers. */
    public static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(postgresUrl())) {
            c.isValid(5);
        } catch (SQLException e) {
            String why = "PostgreSQL is not reachable at " + Database.redact(postgresUrl()) + " (" + e.getMessage()
                    + "); set GROVE_TEST_DATABASE_URL or start PostgreSQL (see the README's Tests section)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why, e);
            }
            Assumptions.abort(why);
        }
    }

    /** A fresh schema name, {@code grove_t_<random>}. */
    public static String freshSchema() {
        return "grove_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    /** A migrated PostgreSQL database in a schema of its own. */
    public static Database postgres() {
        requirePostgres();
        return Database.open(postgresUrl(), freshSchema(), 8);
    }

    /** The URL of PostgreSQL with {@code currentSchema} set, for a Grove process (GROVE_DATABASE_URL). */
    public static String postgresUrlWithSchema(String schema) {
        requirePostgres();
        String url = postgresUrl();
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("create schema if not exists " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A migrated H2 database in its own file under {@code dir} (what a data folder made before SQLite keeps). */
    public static Database h2(Path dir) {
        return Database.open(Database.h2Url(dir), null, 10);
    }

    /** The embedded default, SQLite, migrated, in its own file under {@code dir}, as {@code grove serve} opens it. */
    public static Database sqlite(Path dir) {
        Database db = Database.open(null, dir);
        if (db.kind() != Database.Kind.SQLITE) throw new IllegalStateException("the embedded default is " + db.kind());
        return db;
    }
}
