package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One schema: SQLite's migrations ({@code db/sqlite}) leave the same tables, columns (and whether each may be null)
 * and named indexes as PostgreSQL's ({@code db/migration}), so a migration added to one folder and not the other
 * fails here.
 */
class SchemaParityTest {
    @Test
    void sqliteAndPostgresqlHaveTheSameSchema(@TempDir Path dir) throws Exception {
        Map<String, Set<String>> sqlite;
        Map<String, Set<String>> postgres;
        try (Database db = TestDatabases.sqlite(dir)) {
            sqlite = describe(db, null);
        }
        try (Database db = TestDatabases.postgres()) {
            postgres = db.withConnection(c -> describe(db, c.getSchema()));
        }
        assertTrue(sqlite.containsKey("grove_delivery") && sqlite.containsKey("scheduled_tasks_short"),
                sqlite.toString());
        assertEquals(postgres, sqlite);
    }

    /** Per table: each column with its nullability, and each named index with its columns. */
    private static Map<String, Set<String>> describe(Database db, String schema) {
        return db.withConnection(c -> {
            Map<String, Set<String>> out = new TreeMap<>();
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet tables = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
                while (tables.next()) {
                    String table = tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                    if (table.startsWith("flyway_") || table.startsWith("sqlite_")) continue;
                    out.put(table, describe(c, meta, schema, tables.getString("TABLE_NAME")));
                }
            }
            return out;
        });
    }

    private static Set<String> describe(Connection c, DatabaseMetaData meta, String schema, String table)
            throws java.sql.SQLException {
        Set<String> out = new TreeSet<>();
        try (ResultSet cols = meta.getColumns(null, schema, table, "%")) {
            while (cols.next()) {
                out.add("column " + cols.getString("COLUMN_NAME").toLowerCase(Locale.ROOT)
                        + (cols.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls ? " not null" : ""));
            }
        }
        Map<String, String> indexes = new TreeMap<>();
        try (ResultSet idx = meta.getIndexInfo(null, schema, table, false, false)) {
            while (idx.next()) {
                String name = idx.getString("INDEX_NAME");
                if (name == null) continue;
                name = name.toLowerCase(Locale.ROOT);
                // keys and unique constraints are named by each database its own way
                if (name.endsWith("_pkey") || name.startsWith("sqlite_autoindex_")
                        || name.equals("grove_ci_fix_attempt")) {
                    continue;
                }
                String col = idx.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                indexes.merge(name, (idx.getBoolean("NON_UNIQUE") ? "" : "unique ") + col, (a, b) -> a + "," + b);
            }
        }
        indexes.forEach((name, cols) -> out.add("index " + name + " (" + cols + ")"));
        return out;
    }
}
