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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskRecord;

import java.util.Objects;

/**
 * {@code GET /} and one page per issue: the latest tasks from the store, every agent run (tasks, planner, revise,
 * {@code /grove try}) and the failed jobs, with the tail of each agent's log read from the data folder; {@code GET
 * /tails} gives the pages the newest tails, which they poll. Everything shown passes through the {@link Redactor}.
 *
 * <p>An agent may have replaced its log (or a folder above it) by a symbolic or hard link to a file it wants shown,
 * such as the App's key. So a log is read only when every folder from the data folder down is a real folder, and the
 * log itself a regular file, not a link, with a single name, owned by the data folder's owner (Grove), and still the
 * same file once opened (without following links).
 */
final class Dashboard implements HttpServer.AdminPages {
    static final int TASKS_SHOWN = 100;
    static final int TAIL_LINES = 15;
    static final int AGENTS_SHOWN = 50;
    static final int TAIL_BYTES = 16 * 1024;
    static final String NOT_SHOWN = "(log not shown: it is not a file Grove wrote)";

    private final StateStore store;
    private final RunnerSettings settings;
    private final Clock clock;
    private final Redactor redactor;
    private final AgentActivity agents;
    private final Supplier<List<DashboardRenderer.FailedJob>> failures;
    private final DashboardRenderer renderer = new DashboardRenderer();
    private final ObjectMapper json = new ObjectMapper();

    Dashboard(StateStore store, RunnerSettings settings, Clock clock, Redactor redactor) {
        this(store, settings, clock, redactor, new AgentActivity(clock), List::of);
    }

    Dashboard(StateStore store, RunnerSettings settings, Clock clock, Redactor redactor, AgentActivity agents,
            Supplier<List<DashboardRenderer.FailedJob>> failures) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.redactor = redactor;
        this.agents = agents;
        this.failures = failures;
    }

    /** {@code GET /}: the latest tasks, agents and failed jobs of every issue. */
    @Override
    public String render() {
        return redactor.redact(renderer.render(page(null, null, 0)));
    }

    /** {@code GET /issues/{owner}/{repo}/{number}}: one issue's tasks, agents and failed jobs. */
    @Override
    public String renderIssue(String owner, String repo, int issue) {
        return redactor.redact(renderer.render(page(owner, repo, issue)));
    }

    /** {@code GET /tails[?issue=owner/repo#n]}: each shown log's id and newest tail, as a JSON object. */
    @Override
    public String tails(String issue) {
        DashboardRenderer.Page page;
        if (issue != null && issue.matches("[^/#]+/[^/#]+#\\d+")) {
            String[] parts = issue.split("[/#]");
            page = page(parts[0], parts[1], Integer.parseInt(parts[2]));
        } else {
            page = page(null, null, 0);
        }
        Map<String, String> out = new LinkedHashMap<>();
        page.tasks().forEach(r -> out.put(DashboardRenderer.taskLogId(r.task()), redactor.redact(r.logTail())));
        page.agents().forEach(a -> out.put(a.logId(), redactor.redact(a.logTail())));
        try {
            return json.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private DashboardRenderer.Page page(String owner, String repo, int issue) {
        boolean one = owner != null;
        String name = one ? owner + "/" + repo : null;
        List<TaskRecord> tasks = one ? store.tasks(new RepoRef(owner, repo), issue) : store.recentTasks(TASKS_SHOWN);
        List<DashboardRenderer.Row> rows = tasks.stream()
                .map(t -> new DashboardRenderer.Row(t, tail(settings.dataDir(), settings.taskDir(t.key()).resolve("agent.log"))))
                .toList();
        List<DashboardRenderer.AgentRow> agentRows = agents.runs().stream()
                .filter(a -> !one || (a.repository().equals(name) && a.issue().equals(String.valueOf(issue))))
                .limit(AGENTS_SHOWN)
                .map(a -> new DashboardRenderer.AgentRow("agent/" + a.id(), a.kind(), a.repository(), a.issue(),
                        a.title(), a.started(), a.running() ? "running" : a.outcome(),
                        a.log() == null ? "" : tail(settings.dataDir(), a.log())))
                .toList();
        List<DashboardRenderer.FailedJob> failed = failures.get().stream()
                .filter(f -> !one || f.description().contains(name + "#" + issue))
                .toList();
        String url = one ? "/tails?issue=" + java.net.URLEncoder.encode(name + "#" + issue,
                java.nio.charset.StandardCharsets.UTF_8) : "/tails";
        return new DashboardRenderer.Page(one ? name + "#" + issue : null, rows, agentRows, failed, clock.instant(),
                url);
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
