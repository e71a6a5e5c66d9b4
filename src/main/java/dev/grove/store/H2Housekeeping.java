package dev.grove.store;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Chunk;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded database's housekeeping, which H2 leaves undone with {@code WRITE_DELAY=0}. H2 writes each commit as a
 * new chunk of its file; its background thread rewrites the few live pages of old chunks, so that they die and their
 * space is used again. That thread runs only with a write delay ({@code FileStore.setAutoCommitDelay}), and Grove
 * needs none (a {@code kill -9} must lose no commit). Without it the file grew by ~33 KB per delivery and never shrank:
 * 3.4 GB after 100,000 deliveries on the live-heap benchmark (h2database issue #442: "compact() only called by the
 * background thread, which isn't enabled if the write delay is 0"). So Grove does it: once a second, the chunks whose
 * pages are mostly dead are rewritten (H2's own {@code MVStore.compact}, safe beside running transactions), a bounded
 * amount each time, and the file is synced ({@code fsync}: H2 never syncs a commit, so a power cut now loses about the
 * last second, a killed process still none). A dead chunk's space is used again once the chunk is older than H2's
 * retention time (45 s), so the file levels off at the live data plus about 45 s of writes. A shorter retention
 * (3 s) was tried and made {@code kill -9} lose commits on restart (DurabilityFlowIT, KillDuringPublishFlowIT and
 * ReviewThreadsFlowIT failed): H2's recovery needs its recent old chunks. Then, while more than {@link #MERGE_ABOVE}
 * small chunks still hold a live page, it merges them ({@code compact} again, with no fill-rate floor): the file's
 * density is not what costs memory, the number of chunks is. Every step holds H2's store lock, which each commit
 * waits for: so a round gives way to deliveries ({@link #budget}).
 */
final class H2Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);
    /** Rewrite while fewer than this share (%) of the chunks' bytes is live: H2's default 90, squared as when busy. */
    static final int TARGET_FILL_RATE = 81;
    /**
     * At most this many bytes of live pages moved per rewrite, and this long spent per round. Each rewrite first scans
     * the record of every chunk H2 holds (to pick the sparsest), so the limit decides how much one scan buys. With a
     * large delivery table most chunks keep a live page or two (leaves of the random-key indexes: delivery id, body
     * hash), and at 128 KB the rounds fell behind for good: on the live-heap benchmark past ~700,000 deliveries the
     * chunks held went from ~50,000 to 330,000 at 1M (111 MiB of live heap at rest, the file 24.7 GB). Measured on a
     * table of 800,000 handled deliveries and then the benchmark's flow at full rate, 7 minutes each: at 128 KB the
     * chunks holding a live page rose 21,500 → 45,000 and the file 7.0 → 9.1 GB; at 1 MB they stayed at 27,500-31,600,
     * the file level at 6.0 GB, and deliveries went ~10 % faster (bench/RESULTS.md).
     */
    static final int WRITE_LIMIT = 1 << 20;
    /**
     * A round's time while others commit and the store keeps up: about one rewrite. A rewrite holds H2's store lock
     * (a scan of every chunk record, the live pages read and moved), so every commit that comes meanwhile waits: on
     * the durable-intake benchmark at 400 deliveries/s the rounds held it for 1-22 ms a rewrite and 9-86 ms a merge,
     * up to 500 ms a round, and its p99.9 was 35-76 ms, against 23 ms with no housekeeping (bench/RESULTS.md).
     */
    static final long BUSY_ROUND_MILLIS = 20;
    /**
     * A round's time while others commit and the store falls behind (its chunks' fill rate under
     * {@link #BEHIND_FILL_RATE}, or more than {@link #BUSY_MERGE_ABOVE} small chunks holding a live page): then memory
     * and the file matter more than a commit's wait.
     */
    static final long ROUND_MILLIS = 200;
    /** Under this share (%) of live bytes in the chunks, a busy store is behind: see {@link #ROUND_MILLIS}. */
    static final int BEHIND_FILL_RATE = 60;
    /**
     * A round's time when nothing was committed since the last one: merging then delays nobody but a request that
     * comes in during one rewrite (at most {@link #WRITE_LIMIT} moved). At 200 ms a second the live-heap benchmark's
     * 46 s of rest after 505,000 deliveries merged 40,000 small chunks down to 8,200, not to {@link #MERGE_ABOVE}.
     */
    static final long IDLE_ROUND_MILLIS = 800;
    /**
     * What one merge may move when idle: each call first scans every chunk record (130,000 right after a busy minute
     * on the benchmark, most of them dead ones waiting out the retention), and a chunk left by a commit on the
     * benchmark holds ~20-50 KB of live leaves, so 1 MB bought ~20-50 chunks a scan.
     */
    static final int IDLE_MERGE_LIMIT = 8 << 20;
    /**
     * Merge while more small chunks than this hold a live page. The fill-rate rule alone stops once 81 % of the chunks'
     * bytes are live, and that leaves in place tens of thousands of small chunks, each a commit's, holding a leaf or two
     * of the random-key indexes, while the large rewritten chunks carry the bytes. Each chunk costs ~200 bytes of heap
     * for its record (SFChunk, BitSet, map entry), and their number grew with the delivery table (the live-heap
     * benchmark at 1 MB rewrites: 3,800 chunks held at rest after 10,000 deliveries, 33,000 after 505,000; 34.8 and
     * 40.3 MiB of live objects). A merge moves up to {@link #WRITE_LIMIT} of live pages ({@link #IDLE_MERGE_LIMIT}
     * when idle), the smallest parts of the oldest chunks first (H2's order), into one new chunk: tens to hundreds of
     * chunks freed per call.
     */
    static final int MERGE_ABOVE = 1_000;
    /**
     * While others commit, merges wait for an idle round unless more small chunks than this hold a live page (~10 MB
     * of chunk records): a merge holds the store lock longest. Under a steady load the small chunks are every commit's
     * since the last idle second (the durable-intake benchmark left ~30,000 in 3 minutes, with every body kept: its
     * consumer is paused), and merging them moves live data to free a few chunks per call: 9-86 ms under the lock each.
     */
    static final int BUSY_MERGE_ABOVE = 50_000;

    /**
     * What a round may do: for how long, what one merge may move, above how many small live chunks it merges, and
     * whether it stops as soon as another commit comes (a round's work holds H2's store lock, which that commit needs).
     */
    record Budget(long millis, int mergeLimit, int mergeAbove, boolean yields) {
    }

    /**
     * A round's budget: long, with large merges, when nothing but the last round committed since it ran, but over as
     * soon as a commit comes; short and without merges while others commit and the store keeps up; long again, and
     * not stopped by commits, when it falls behind.
     */
    static Budget budget(boolean othersCommitted, int chunksFillRate, int smallLiveChunks) {
        if (!othersCommitted) return new Budget(IDLE_ROUND_MILLIS, IDLE_MERGE_LIMIT, MERGE_ABOVE, true);
        if (chunksFillRate < BEHIND_FILL_RATE || smallLiveChunks > BUSY_MERGE_ABOVE) {
            return new Budget(ROUND_MILLIS, WRITE_LIMIT, MERGE_ABOVE, false);
        }
        return new Budget(BUSY_ROUND_MILLIS, WRITE_LIMIT, Integer.MAX_VALUE, true);
    }

    private final HikariDataSource pool;
    private final ScheduledExecutorService timer;
    private volatile boolean warned;
    private long versionAfterLastRound = -1;

    H2Housekeeping(HikariDataSource pool, long periodMillis) {
        this.pool = pool;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grove-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** One round on the database's store, as {@link #budget} allows; see {@link #round(MVStore, long, Budget)}. */
    int round() {
        try (Connection c = pool.getConnection()) {
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore()
                    .getMvStore();
            long start = System.nanoTime();
            // idle: nothing committed since the last round but what that round wrote
            boolean othersCommitted = store.getCurrentVersion() != versionAfterLastRound;
            Budget budget = budget(othersCommitted, store.getFileStore().getChunksFillRate(), smallLiveChunks(store));
            int rewrites = round(store, start + TimeUnit.MILLISECONDS.toNanos(budget.millis()), budget);
            versionAfterLastRound = store.getCurrentVersion();
            return rewrites;
        } catch (Exception | Error e) {
            if (!warned) { // a closing pool, or H2 internals that moved: logged once, never fatal
                warned = true;
                log.warn("embedded database housekeeping: {}", e.toString());
            }
            return 0;
        }
    }

    /**
     * One round, until {@code endNanos}: rewrites sparse chunks while the file is not dense enough, then merges small
     * chunks (up to the budget's merge limit of live pages a call) while more than its {@code mergeAbove} hold live
     * pages; if the budget {@code yields}, it stops after the call during which another commit came. What it moved is
     * written at once, and the file synced. Returns how many rewrites it made.
     */
    static int round(MVStore store, long endNanos, Budget budget) {
        int rewrites = 0;
        long[] seen = {store.getCurrentVersion()}; // a later version is another's commit
        boolean more = true;
        while (more && !store.isClosed() && store.compact(TARGET_FILL_RATE, WRITE_LIMIT)) {
            rewrites++;
            more = saved(store, seen, budget) && System.nanoTime() < endNanos;
        }
        while (more && !store.isClosed() && System.nanoTime() < endNanos
                && smallLiveChunks(store) > budget.mergeAbove() && store.compact(100, budget.mergeLimit())) {
            rewrites++;
            more = saved(store, seen, budget);
        }
        // H2 never syncs a commit: what is written is on the disk within about a second
        if (!store.isClosed()) store.sync();
        return rewrites;
    }

    /**
     * Saves what a rewrite moved (else the next transaction's commit does: until then the chunks it left are not dead,
     * and the next call would pick them again). False when the round should end: the budget yields and another commit
     * came since {@code seen}, the last version this round saw (or wrote).
     */
    private static boolean saved(MVStore store, long[] seen, Budget budget) {
        long saved = store.tryCommit(); // the version it wrote; -1: nothing to save, or another commit under way
        boolean othersCommitted = saved >= 0 ? saved != seen[0] + 1 : store.getCurrentVersion() != seen[0];
        if (saved >= 0) seen[0] = saved;
        return !(budget.yields() && othersCommitted);
    }

    /**
     * How many small chunks (under a quarter of {@link #WRITE_LIMIT}: a commit's, not a merge's) older than H2's
     * retention still hold a live page: the ones a merge frees. Read from H2's chunk map ({@code FileStore#getChunks},
     * protected, hence reflection); -1 if an H2 upgrade took that method away (then no merge runs: H2HousekeepingTest
     * fails).
     */
    static int smallLiveChunks(MVStore store) {
        if (GET_CHUNKS == null) return -1;
        FileStore<?> files = store.getFileStore();
        long seasoned = System.currentTimeMillis() - files.getCreationTime() - store.getRetentionTime();
        int n = 0;
        for (Chunk<?> chunk : chunkMap(files).values()) {
            if (chunk.maxLenLive > 0 && chunk.maxLen < WRITE_LIMIT / 4 && chunk.time <= seasoned) n++;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<?, ? extends Chunk<?>> chunkMap(FileStore<?> files) {
        try {
            return (Map<?, ? extends Chunk<?>>) GET_CHUNKS.invoke(files);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("H2's FileStore.getChunks: " + e, e);
        }
    }

    private static final Method GET_CHUNKS = getChunks();

    private static Method getChunks() {
        try {
            Method m = FileStore.class.getDeclaredMethod("getChunks");
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
