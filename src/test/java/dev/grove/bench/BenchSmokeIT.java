package dev.grove.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.TestDatabases;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each benchmark once at its smallest size, so that the benchmark code cannot rot. Asserts that it ran and produced
 * its tables with numbers in every cell, never how fast anything was.
 */
class BenchSmokeIT {
    @TempDir
    Path tmp;

    String smoke(String benchmark) throws Exception {
        String report = Bench.run(new Bench.Plan(Set.of(benchmark), true, tmp));
        assertTrue(report.contains(Runtime.getRuntime().availableProcessors() + " cores"), report);
        assertTrue(report.contains("- commit: "), report);
        assertFalse(report.contains("NaN"), report);
        assertFalse(report.contains("| – |"), "a figure is missing:\n" + report);
        return report;
    }

    @Test
    void intakeMeasuresGroveAndTheBareEndpoint() throws Exception {
        String report = smoke("intake");
        assertTrue(report.contains("### Webhook intake"), report);
        assertTrue(report.contains("every Grove answer was 202"), report);
        assertEquals(3, rows(report, "| throughput", "| p50", "| p99"), report);
        Matcher published = Pattern.compile("Grove, published comment: Grove answered `202 [^`]*ignored[^`]*`; "
                + "the sink received 0 jobs for (\\d+) deliveries").matcher(report);
        assertTrue(published.find(), "a comment that is not a command ends at routing:\n" + report);
        Matcher command = Pattern.compile("Grove, `/grove status` comment: Grove answered `202 [^`]*queued[^`]*`; "
                + "the sink received (\\d+) jobs for (\\d+) deliveries").matcher(report);
        assertTrue(command.find(), "a command is enqueued:\n" + report);
        assertEquals(command.group(2), command.group(1), "the sink received every command");
    }

    @Test
    void durableIntakeRecordsEveryDeliveryOnBothDatabasesBesideTheFloor() throws Exception {
        TestDatabases.requirePostgres();
        String report = smoke("durable-intake");
        assertTrue(report.contains("### Durable intake"), report);
        assertEquals(6, rows(report, "| throughput", "| p50", "| p99 latency", "| p99 of all", "| young GC", "| p99.9"),
                report);
        assertFalse(report.contains("| skipped"), "PostgreSQL was measured:\n" + report);
        assertTrue(Pattern.compile("\\| young GC pauses[^|]*\\| \\d+: [0-9.]+ / [0-9.]+ \\|").matcher(report).find(),
                "each server's GC log was read:\n" + report);
        Matcher nothing = Pattern.compile("Grove, nothing recorded: .*?; (\\d+) answered 202, the no-op received as "
                + "many \\(checked\\), 0 other answers").matcher(report);
        assertTrue(nothing.find() && Long.parseLong(nothing.group(1)) > 0, "intake recording nothing:\n" + report);
        for (String db : new String[] {"embedded SQLite", "PostgreSQL"}) {
            Matcher m = Pattern.compile("Grove, " + db + ": first answer `202 [^`]*queued[^`]*`; (\\d+) deliveries "
                    + "answered 202 and the queue holds the same number as pending \\(checked\\); 0 other answers")
                    .matcher(report);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, db + " recorded every delivery:\n" + report);
        }
    }

    @Test
    void heapIsReadAfterDeliveriesRecordedHandledAndKept() throws Exception {
        String report = smoke("heap");
        assertTrue(report.contains("### Live heap after many deliveries"), report);
        // each reading three times: right after its batch, at rest and settled, each after NUDGE (10) more deliveries
        assertEquals(1, rows(report, "| 100 |"), report);
        assertEquals(1, rows(report, "| 220 |"), report);
        assertEquals(1, rows(report, "| 340 |"), report);
        assertTrue(report.contains("| live heap right after a batch (MiB) | at rest (MiB) | settled (MiB) |"), report);
        assertTrue(report.contains("360 deliveries, 360 config reads, 0 failed jobs"), report);
        assertTrue(report.contains("grew most between the histograms at 100 and 300 deliveries"), report);
        for (int n : new int[] {110, 120, 230, 240, 350, 360}) {
            assertTrue(java.nio.file.Files.readString(DeliveryHeapBench.HISTOGRAMS.resolve("histogram-" + n + ".txt"))
                    .contains("org.sqlite."), "a class histogram (of Grove on SQLite) at rest or settled after " + n
                    + " deliveries");
        }
    }

    @Test
    void rssOfTheJarIsSampledWithTasksRunningUnderTheImagesOptions() throws Exception {
        String report = smoke("rss");
        assertTrue(report.contains("### Resident memory of `java -jar grove.jar serve` with 2 tasks running"), report);
        assertTrue(report.contains("read from the Dockerfile (the README's Memory section quotes the same)"), report);
        assertEquals(3, rows(report, "| idle", "| all 2 agents running", "| peak"), report);
    }

    @Test
    void scaleOutRunsTheTasksWithOneProcessAndWithTwo() throws Exception {
        TestDatabases.requirePostgres();
        String report = smoke("scale-out");
        assertTrue(report.contains("### Two processes against one"), report);
        assertTrue(report.contains("| 1 |") && report.contains("every agent started once, 1 of 1 processes ran tasks"),
                report);
        assertTrue(report.contains("| 2 |") && report.contains("every agent started once, 2 of 2 processes ran tasks"),
                report);
        assertEquals(1, rows(report, "| 2 vs 1 | speed-up"), report);
    }

    @Test
    void provisioningMeasuresGroveTheWorktreeLoopAndClones() throws Exception {
        String report = smoke("provisioning");
        assertTrue(report.contains("### Provisioning: first time"), report);
        assertTrue(report.contains("### Provisioning: warm"), report);
        assertEquals(2, rows(report, "| 200 |"), report);
    }

    @Test
    void orchestrationRunsAnIssueThroughGroveServeAndReadsItsMemory() throws Exception {
        String report = smoke("orchestration");
        assertTrue(report.contains("### Orchestration"), report);
        assertTrue(report.contains("### Memory"), report);
        assertEquals(7, rows(report, "| 3 |"), report);
        assertEquals(3, rows(report, "| idle", "| 3 tasks running", "| peak"), report);
    }

    @Test
    void sandboxMeasuresItsStartUpBesideAnUnsandboxedStart() throws Exception {
        String report = smoke("sandbox");
        assertTrue(report.contains("### Sandbox start-up per task"), report);
        assertEquals(4, rows(report, "| unsandboxed", "| sandbox, network none |", "| sandbox, network allow",
                "| sandbox, network none, first launch in a worktree"), report);
    }

    private static int rows(String report, String... prefixes) {
        int n = 0;
        for (String line : report.split("\n")) {
            for (String p : prefixes) if (line.startsWith(p)) n++;
        }
        return n;
    }
}
