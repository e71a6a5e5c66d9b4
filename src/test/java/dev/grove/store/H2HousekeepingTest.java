package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
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

    /**
     * The fill-rate rule stops once most of the file's bytes are live, in large chunks, and leaves in place every small
     * chunk that still holds a page or two: on the live-heap benchmark, the leaves of the random-key indexes (delivery
     * id, body hash), ~33,000 chunks at rest after 500,000 deliveries against 3,900 after 10,000, each with a record of
     * ~200 bytes in the heap. Here: a large map never touched again, and a map of many small leaves changed one leaf a
     * commit, so that thousands of commits' chunks each keep one live leaf.
     */
    @Test
    void smallChunksHoldingALivePageAreMergedWhenTheFileIsDenseAlready() {
        MVStore store = new MVStore.Builder().fileName(dir.resolve("merge.mv.db").toString()).pageSplitSize(1024)
                .autoCommitDisabled().open();
        try {
            store.setRetentionTime(0);
            MVMap<Integer, byte[]> large = store.openMap("large");
            MVMap<Integer, byte[]> leaves = store.openMap("leaves");
            Random random = new Random(3);
            byte[] value = new byte[50_000];
            random.nextBytes(value);
            for (int i = 0; i < 6_000; i++) large.put(i, value); // 300 MB
            for (int i = 0; i < 60_000; i++) leaves.put(i, new byte[40]);
            store.commit();
            for (int i = 0; i < 4_000; i++) {
                leaves.put(random.nextInt(60_000), new byte[40]);
                store.commit();
            }
            int before = H2Housekeeping.smallLiveChunks(store);
            assertFalse(store.compact(H2Housekeeping.TARGET_FILL_RATE, H2Housekeeping.WRITE_LIMIT),
                    "the file is dense: the fill-rate rule rewrites nothing");
            assertTrue(before > 2 * H2Housekeeping.MERGE_ABOVE, before + " small chunks holding a live leaf");

            int after = before;
            for (int round = 0; round < 20 && after > H2Housekeeping.MERGE_ABOVE; round++) {
                H2Housekeeping.round(store, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200),
                        H2Housekeeping.WRITE_LIMIT);
                after = H2Housekeeping.smallLiveChunks(store);
            }
            assertTrue(after <= H2Housekeeping.MERGE_ABOVE, before + " small chunks holding a live leaf, " + after
                    + " after 20 rounds");
            assertEquals(60_000, leaves.size());
            assertEquals(6_000, large.size());
        } finally {
            store.close();
        }
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
