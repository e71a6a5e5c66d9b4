package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's file stops growing while deliveries come and go, each commit written at once
 * ({@code WRITE_DELAY=0}), because Grove does H2's housekeeping itself. Without it the file grew with every commit
 * and never shrank (here 99 MiB after 3,000 deliveries, 141 MiB after 7,500; 3.4 GB after 100,000 deliveries on the
 * live-heap benchmark); with it, it levels off (here 96 then 78 MiB).
 */
class H2HousekeepingTest {
    @TempDir
    Path dir;

    @Test
    void theFileStopsGrowingWhileDeliveriesComeAndGo() throws Exception {
        Path file = dir.resolve("grove.mv.db");
        long levelled;
        long end;
        try (Database db = Database.open(null, dir)) {
            assertEquals("3000", db.withConnection(c -> { // the URL's setting: dead chunks reused after 3 s
                try (var rs = c.createStatement().executeQuery(
                        "select setting_value from information_schema.settings where setting_name = 'RETENTION_TIME'")) {
                    return rs.next() ? rs.getString(1) : "none";
                }
            }));
            byte[] body = new byte[14_000];
            new Random(1).nextBytes(body);
            deliveries(db, 0, 3_000, body);
            levelled = Files.size(file);
            deliveries(db, 3_000, 7_500, body);
            end = Files.size(file);
        }
        assertTrue(end <= levelled * 11 / 10, "the file grew from " + levelled + " bytes after 3,000 deliveries to "
                + end + " after 7,500");
    }

    /** As intake records each, then its job marks it done and drops its body: two commits each. */
    private static void deliveries(Database db, int from, int to, byte[] body) throws InterruptedException {
        for (int i = from; i < to; i++) {
            String id = "d-" + i;
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into grove_delivery (delivery_id, event, "
                        + "body_sha256, payload, state, received_at) values (?, 'issues', ?, ?, 'QUEUED', ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, "sha-" + id);
                    ps.setBytes(3, body);
                    ps.setTimestamp(4, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "update grove_delivery set state = 'DONE', payload = null where delivery_id = ?")) {
                    ps.setString(1, id);
                    return ps.executeUpdate();
                }
            });
            if (i % 500 == 499) Thread.sleep(1_000); // housekeeping runs once a second
        }
    }
}
