package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations 3 and 4 on deliveries left by the version before them: a body still waiting (queued or failed) is kept,
 * as its UTF-8 bytes; a handled delivery stays without one; after them a body is recorded once per event (a copy
 * recorded before keeps its row, without a hash), and a delivery that needs no job has no hash.
 */
class DeliveryMigrationsTest {
    private static final String BODY = "{\"comment\":{\"body\":\"/grove plan — café ✓ 🌳\"}}";

    @TempDir
    Path dir;

    @Test
    void deliveriesOfTheVersionBeforeAreKeptOnH2() throws Exception {
        String url = Database.h2Url(dir);
        Flyway.configure().dataSource(url, null, null).target("2").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            insertOldRows(c);
        }
        try (Database db = Database.open(null, dir)) {
            assertMigrated(db);
        }
    }

    @Test
    void migrationsCutOffMidwayOnH2RunAgainToTheEnd() throws Exception {
        String url = Database.h2Url(dir);
        Flyway.configure().dataSource(url, null, null).target("2").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            insertOldRows(c);
            // what a start killed after the first statement of migration 3 left: H2 commits each DDL statement
            c.createStatement().execute("alter table grove_delivery add column payload bytea");
        }
        try (Database db = Database.open(null, dir)) {
            assertMigrated(db);
        }
    }

    @Test
    void deliveriesOfTheVersionBeforeAreKeptOnPostgres() throws Exception {
        TestDatabases.requirePostgres();
        String schema = TestDatabases.freshSchema();
        String url = TestDatabases.postgresUrlWithSchema(schema);
        Flyway.configure().dataSource(url, null, null).schemas(schema).defaultSchema(schema).target("2").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            insertOldRows(c);
        }
        try (Database db = Database.open(TestDatabases.postgresUrl(), schema, 2)) {
            assertMigrated(db);
        }
    }

    private static void insertOldRows(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into grove_delivery (delivery_id, event, body_sha256, "
                + "body, state, received_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setTimestamp(6, Timestamp.from(Instant.parse("2026-11-27T10:00:00Z")));
            row(ps, "a-queued", "issue_comment", "s1", BODY, "QUEUED");
            row(ps, "b-needed-no-job", "", "", null, "DONE");
            row(ps, "c-copy-of-a", "issue_comment", "s1", null, "DONE"); // a replay that raced in, before migration 4
            row(ps, "d-needed-no-job", "", "", null, "DONE");
        }
    }

    private static void row(PreparedStatement ps, String id, String event, String sha, String body, String state)
            throws SQLException {
        ps.setString(1, id);
        ps.setString(2, event);
        ps.setString(3, sha);
        ps.setString(4, body);
        ps.setString(5, state);
        ps.executeUpdate();
    }

    private static void assertMigrated(Database db) {
        db.withConnection(c -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select delivery_id, body_sha256, payload from grove_delivery order by delivery_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2));
                    if (rs.getString(1).equals("a-queued")) {
                        assertArrayEquals(BODY.getBytes(StandardCharsets.UTF_8), rs.getBytes(3));
                    } else {
                        assertNull(rs.getBytes(3));
                    }
                }
            }
            assertEquals(List.of("a-queued s1", "b-needed-no-job null", "c-copy-of-a null", "d-needed-no-job null"),
                    rows);
            try (ResultSet cols = c.getMetaData().getColumns(null, c.getSchema(), "grove_delivery", "body")) {
                assertFalse(cols.next(), "the text column is gone");
            }
            SQLException copy = assertThrows(SQLException.class, () -> {
                try (PreparedStatement ps = c.prepareStatement("insert into grove_delivery (delivery_id, event, "
                        + "body_sha256, state, received_at) values ('e-copy', 'issue_comment', 's1', 'QUEUED', ?)")) {
                    ps.setTimestamp(1, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                }
            });
            assertTrue(Database.isDuplicateKey(copy), copy.getSQLState() + " " + copy.getMessage());
            return null;
        });
    }
}
