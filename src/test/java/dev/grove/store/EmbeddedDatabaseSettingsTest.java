package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database runs with the settings that were measured or found to matter (each explained at
 * {@code Database#h2Url}): commits written at once, H2's 45 s retention kept (3 s lost commits on {@code kill -9}),
 * and a 1 MB page cache (16 MB made every young collection of the intake copy up to 16 MB of freshly written pages).
 */
class EmbeddedDatabaseSettingsTest {
    @Test
    void theEmbeddedDatabaseRunsWithTheMeasuredSettings(@TempDir Path dir) throws Exception {
        Map<String, String> settings = new HashMap<>();
        try (Database db = Database.open(null, dir); Connection c = db.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "select setting_name, setting_value from information_schema.settings")) {
            while (rs.next()) settings.put(rs.getString(1), rs.getString(2));
        }
        assertEquals("1", settings.get("info.CACHE_MAX_SIZE"), "page cache, MB: " + settings);
        assertEquals("45000", settings.get("RETENTION_TIME"), settings.toString());
        assertEquals("0", settings.get("WRITE_DELAY"), settings.toString());
    }
}
