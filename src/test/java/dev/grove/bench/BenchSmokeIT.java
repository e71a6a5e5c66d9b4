package dev.grove.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(3, rows(report, "| unsandboxed", "| sandbox, network none", "| sandbox, network allow"), report);
    }

    private static int rows(String report, String... prefixes) {
        int n = 0;
        for (String line : report.split("\n")) {
            for (String p : prefixes) if (line.startsWith(p)) n++;
        }
        return n;
    }
}
