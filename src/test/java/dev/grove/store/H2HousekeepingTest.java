package dev.grove.store;

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
 * and never shrank (3.4 GB after 100,000 deliveries on the live-heap benchmark). H2 reuses a dead chunk's space only
 * once the chunk is older than its retention time (45 s as Grove runs it): the test sets 0, so that seconds show what
 * minutes show in production.
 */
class H2HousekeepingTest {
    @TempDir
    Path dir;

    @Test
    void theFileStopsGrowingWhileDeliveriesComeAndGo() throws Exception {
        Path file = dir.resolve("grove.mv.db");
        long end;
        try (Database db = Database.open(Database.h2Url(dir) + ";RETENTION_TIME=0", null, 4)) {
            byte[] body = new byte[14_000];
            new Random(1).nextBytes(body);
            deliveries(db, 0, 3_000, body);
            end = Files.size(file);
        }
        // measured: 5.5 MiB with it; 48 MiB without it, growing with each delivery
        assertTrue(end < 20L << 20, "3,000 deliveries (6,000 commits) left a file of " + end + " bytes");
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
