package dev.grove.app;

import dev.grove.pipeline.RunnerSettings;
import dev.grove.report.DashboardRenderer;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** {@code GET /}: the latest tasks from the store, with the tail of each agent's log read from the data folder. */
final class Dashboard {
    static final int TASKS_SHOWN = 100;
    static final int TAIL_LINES = 15;
    static final int TAIL_BYTES = 16 * 1024;

    private final StateStore store;
    private final RunnerSettings settings;
    private final Clock clock;
    private final DashboardRenderer renderer = new DashboardRenderer();

    Dashboard(StateStore store, RunnerSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    String render() {
        List<DashboardRenderer.Row> rows = store.recentTasks(TASKS_SHOWN).stream()
                .map(t -> new DashboardRenderer.Row(t, tail(settings.taskDir(t.key()).resolve("agent.log"))))
                .toList();
        return renderer.render(rows, clock.instant());
    }

    /** The last lines of a log, reading at most its last {@link #TAIL_BYTES} bytes; empty when there is no log. */
    static String tail(Path log) {
        if (!Files.isRegularFile(log)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, f.length() - TAIL_BYTES);
            byte[] buf = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(buf);
            List<String> lines = new String(buf, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(the log could not be read: " + e.getMessage() + ")";
        }
    }
}
