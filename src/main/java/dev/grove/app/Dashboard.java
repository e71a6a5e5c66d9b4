package dev.grove.app;

import dev.grove.pipeline.RunnerSettings;
import dev.grove.report.DashboardRenderer;
import dev.grove.report.Redactor;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /}: the latest tasks from the store, with the tail of each agent's log read from the data folder, the
 * whole page passed through the {@link Redactor}.
 *
 * <p>An agent may have replaced its log (or a folder above it) by a symbolic or hard link to a file it wants shown,
 * such as the App's key. So a log is read only when every folder from the data folder down is a real folder, and the
 * log itself a regular file, not a link, with a single name, owned by the data folder's owner (Grove), and still the same file once
 * opened (without following links).
 */
final class Dashboard {
    static final int TASKS_SHOWN = 100;
    static final int TAIL_LINES = 15;
    static final int TAIL_BYTES = 16 * 1024;
    static final String NOT_SHOWN = "(log not shown: it is not a file Grove wrote)";

    private final StateStore store;
    private final RunnerSettings settings;
    private final Clock clock;
    private final Redactor redactor;
    private final DashboardRenderer renderer = new DashboardRenderer();

    Dashboard(StateStore store, RunnerSettings settings, Clock clock, Redactor redactor) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.redactor = redactor;
    }

    String render() {
        Path root = settings.dataDir();
        List<DashboardRenderer.Row> rows = store.recentTasks(TASKS_SHOWN).stream()
                .map(t -> new DashboardRenderer.Row(t, tail(root, settings.taskDir(t.key()).resolve("agent.log"))))
                .toList();
        return redactor.redact(renderer.render(rows, clock.instant()));
    }

    /**
     * The last lines of a log under {@code root}, reading at most its last {@link #TAIL_BYTES} bytes; empty when
     * there is no log, {@link #NOT_SHOWN} when it is not a file Grove wrote.
     */
    static String tail(Path root, Path log) {
        Path base = root.toAbsolutePath().normalize();
        Path file = log.toAbsolutePath().normalize();
        if (!file.startsWith(base) || file.equals(base)) {
            return NOT_SHOWN;
        }
        try {
            for (Path dir = file.getParent(); dir != null && dir.startsWith(base); dir = dir.getParent()) {
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    return "";
                }
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    return NOT_SHOWN;
                }
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return "";
            }
            PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!before.isRegularFile() || !before.owner().equals(Files.getOwner(base)) || links(file) != 1) {
                return NOT_SHOWN;
            }
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!Objects.equals(before.fileKey(), after.fileKey())) {
                    return NOT_SHOWN;
                }
                long size = ch.size();
                long from = Math.max(0, size - TAIL_BYTES);
                ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
                ch.position(from);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // read the tail
                }
                List<String> lines = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).lines().toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "(the log could not be read)";
        }
    }

    private static int links(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
    }
}
