package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded database said it committed is there after the process dies at once ({@code kill -9}, here
 * {@code Runtime.halt} in a JVM of its own, straight after the commits return). With H2's default write delay the
 * last commits were lost. And on SIGTERM the database stays open while Grove's drain still writes: H2's own
 * shutdown hook closed it under the drain until {@code DB_CLOSE_ON_EXIT=FALSE}.
 */
class EmbeddedDatabaseCrashTest {
    static final TaskKey KEY = new TaskKey(RepoRef.parse("octo-org/shop"), 7, "add-a-rule");

    /** The child: commits 20 task states (the last names a branch), says so, and dies without any shutdown. */
    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("drain")) {
            drainChild(Path.of(args[0]));
            return;
        }
        Database db = open(Path.of(args[0]), args.length > 1 && args[1].equals("h2"));
        JdbcStateStore store = new JdbcStateStore(db, "crash-child", Clock.systemUTC(), Duration.ofMinutes(5));
        TaskRecord rec = TaskRecord.queued(KEY, 1, "Add a rule");
        for (int i = 1; i < 20; i++) {
            store.saveTask(rec.withMessage("step " + i));
        }
        store.saveTask(rec.withBranch("grove/7-add-a-rule").withMessage("step 20"));
        System.out.println("committed");
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }

    /**
     * The other child: on SIGTERM its shutdown hook writes as Grove's drain does (jobs ending while the JVM exits),
     * says what happened, then closes the database itself.
     */
    static void drainChild(Path dir) throws Exception {
        Database db = Database.open(null, dir);
        JdbcStateStore store = new JdbcStateStore(db, "drain-child", Clock.systemUTC(), Duration.ofMinutes(5));
        TaskRecord rec = TaskRecord.queued(KEY, 1, "Add a rule");
        store.saveTask(rec.withMessage("running"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                for (int i = 1; i <= 5; i++) {
                    Thread.sleep(100);
                    store.saveTask(rec.withMessage("drained " + i));
                }
                System.out.println("drain wrote 5");
            } catch (Exception e) {
                System.out.println("drain failed: " + e);
            } finally {
                System.out.flush();
                db.close();
            }
        }));
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    @Test
    void sigtermLeavesTheDatabaseOpenForTheDrain(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedDatabaseCrashTest.class.getName(),
                dir.toString(), "drain")).redirectErrorStream(true).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null && !line.equals("ready"); ) seen.append(line).append('\n');
        child.toHandle().destroy(); // SIGTERM (Process#destroy would also close our end of its output)
        for (String line; (line = out.readLine()) != null; ) seen.append(line).append('\n'); // to its end
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
        assertTrue(seen.toString().contains("drain wrote 5"), seen.toString());

        try (Database db = Database.open(null, dir)) {
            TaskRecord back = new JdbcStateStore(db, "after", Clock.systemUTC(), Duration.ofMinutes(5)).task(KEY)
                    .orElseThrow(() -> new AssertionError("the task's record was lost"));
            assertEquals("drained 5", back.message());
        }
    }

    /** SQLite, the default, or H2 (a data folder made before SQLite). */
    static Database open(Path dir, boolean h2) {
        return h2 ? Database.open(Database.h2Url(dir), null, 10) : Database.open(null, dir);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "h2={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aCommitSurvivesTheProcessDyingRightAfterIt(boolean h2, @TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedDatabaseCrashTest.class.getName(),
                dir.toString(), h2 ? "h2" : "sqlite")).redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("committed"), out);
        assertEquals(9, child.exitValue(), out);

        try (Database db = open(dir, h2)) {
            TaskRecord back = new JdbcStateStore(db, "after", Clock.systemUTC(), Duration.ofMinutes(5)).task(KEY)
                    .orElseThrow(() -> new AssertionError("the task's record was lost"));
            assertEquals("step 20", back.message());
            assertEquals("grove/7-add-a-rule", back.branch());
        }
    }
}
