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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskRecord;

/**
 * {@code GET /} and one page per issue: the latest tasks from the store, every agent run (tasks, planner, revise,
 * {@code /grove try}) and the failed jobs, with the tail of each agent's log read from the data folder; {@code GET
 * /tails} gives the pages the newest tails, which they poll.
 */
final class Dashboard {
    static final int TASKS_SHOWN = 100;
    static final int TAIL_LINES = 15;
    static final int AGENTS_SHOWN = 50;
    static final int TAIL_BYTES = 16 * 1024;

    private final StateStore store;
    private final RunnerSettings settings;
    private final Clock clock;
    private final AgentActivity agents;
    private final Supplier<List<DashboardRenderer.FailedJob>> failures;
    private final DashboardRenderer renderer = new DashboardRenderer();
    private final ObjectMapper json = new ObjectMapper();

    Dashboard(StateStore store, RunnerSettings settings, Clock clock) {
        this(store, settings, clock, new AgentActivity(clock), List::of);
    }

    Dashboard(StateStore store, RunnerSettings settings, Clock clock, AgentActivity agents,
            Supplier<List<DashboardRenderer.FailedJob>> failures) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.agents = agents;
        this.failures = failures;
    }

    /** {@code GET /}: the latest tasks, agents and failed jobs of every issue. */
    String render() {
        return renderer.render(page(null, null, 0));
    }

    /** {@code GET /issues/{owner}/{repo}/{number}}: one issue's tasks, agents and failed jobs. */
    String renderIssue(String owner, String repo, int issue) {
        return renderer.render(page(owner, repo, issue));
    }

    /** {@code GET /tails[?issue=owner/repo#n]}: each shown log's id and newest tail, as a JSON object. */
    String tails(String issue) {
        DashboardRenderer.Page page;
        if (issue != null && issue.matches("[^/#]+/[^/#]+#\\d+")) {
            String[] parts = issue.split("[/#]");
            page = page(parts[0], parts[1], Integer.parseInt(parts[2]));
        } else {
            page = page(null, null, 0);
        }
        Map<String, String> out = new LinkedHashMap<>();
        page.tasks().forEach(r -> out.put(DashboardRenderer.taskLogId(r.task()), r.logTail()));
        page.agents().forEach(a -> out.put(a.logId(), a.logTail()));
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
                .map(t -> new DashboardRenderer.Row(t, tail(settings.taskDir(t.key()).resolve("agent.log"))))
                .toList();
        List<DashboardRenderer.AgentRow> agentRows = agents.runs().stream()
                .filter(a -> !one || (a.repository().equals(name) && a.issue().equals(String.valueOf(issue))))
                .limit(AGENTS_SHOWN)
                .map(a -> new DashboardRenderer.AgentRow("agent/" + a.id(), a.kind(), a.repository(), a.issue(),
                        a.title(), a.started(), a.running() ? "running" : a.outcome(),
                        a.log() == null ? "" : tail(a.log())))
                .toList();
        List<DashboardRenderer.FailedJob> failed = failures.get().stream()
                .filter(f -> !one || f.description().contains(name + "#" + issue))
                .toList();
        String url = one ? "/tails?issue=" + java.net.URLEncoder.encode(name + "#" + issue,
                java.nio.charset.StandardCharsets.UTF_8) : "/tails";
        return new DashboardRenderer.Page(one ? name + "#" + issue : null, rows, agentRows, failed, clock.instant(),
                url);
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
