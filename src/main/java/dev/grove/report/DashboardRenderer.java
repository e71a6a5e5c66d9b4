package dev.grove.report;

import dev.grove.model.Durations;
import dev.grove.model.TaskRecord;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /}: the runs' tasks, newest first, with status, branch, PR, the agent's latest progress line and the
 * tail of its log. Pure: records in, HTML out. Everything shown is escaped: titles and logs are other people's text.
 */
public final class DashboardRenderer {

    /** One task and the last lines of its agent log (empty when there is none). */
    public record Row(TaskRecord task, String logTail) {
    }

    /** An agent run as the dashboard lists it (task, planner, revise or try), with its log's id for live tails. */
    public record AgentRow(String logId, String kind, String repository, String issue, String title, Instant started,
            String state, String logTail) {
    }

    /** A queued job that ended with an exception. */
    public record FailedJob(Instant at, String description, String error) {
    }

    /**
     * One page: the whole server's latest ({@code issue} null) or one issue's. {@code tailsUrl} answers a JSON object
     * of log id to tail; the page polls it and updates the open logs in place.
     */
    public record Page(String issue, List<Row> tasks, List<AgentRow> agents, List<FailedJob> failures, Instant now,
            String tailsUrl) {
    }

    public String render(List<Row> rows, Instant now) {
        return render(new Page(null, rows, List.of(), List.of(), now, "/tails"));
    }

    public String render(Page page) {
        List<Row> rows = page.tasks();
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\">")
                .append("<title>").append(page.issue() == null ? "Grove" : "Grove · " + esc(page.issue())).append("</title>")
                .append("<style>body{font:14px system-ui,sans-serif;margin:1.5em}")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top}")
                .append("th{background:#f6f8fa;text-align:left}pre{margin:0;max-width:60em;overflow:auto;font-size:12px}")
                .append(".failed{background:#ffebe9}")
                .append("</style></head><body data-tails=\"").append(esc(page.tailsUrl())).append("\"><h1>")
                .append(page.issue() == null ? "Grove" : "<a href=\"/\">Grove</a> · " + esc(page.issue()))
                .append("</h1><p>")
                .append(rows.size()).append(rows.size() == 1 ? " task" : " tasks")
                .append(", the most recently active first · ").append(esc(page.now().toString()))
                .append(" · logs update live · <a href=\"/metrics\">metrics</a></p>");
        if (!page.failures().isEmpty()) {
            h.append("<h2>Failed jobs</h2><table id=\"failed-jobs\"><tr><th>When</th><th>Job</th><th>Error</th></tr>");
            for (FailedJob f : page.failures()) {
                h.append("<tr class=\"failed\"><td>").append(esc(f.at().toString())).append("</td><td>")
                        .append(esc(f.description())).append("</td><td><code>").append(esc(f.error()))
                        .append("</code></td></tr>");
            }
            h.append("</table>");
        }
        h.append("<h2>Tasks</h2>");
        if (rows.isEmpty()) {
            h.append("<p>No task yet. Label an issue <code>grove</code> or comment <code>/grove run</code>.</p>");
        } else {
            h.append("<table id=\"tasks\"><tr><th>Issue</th><th>#</th><th>Task</th><th>Status</th><th>Branch</th><th>PR</th>")
                    .append("<th>Agent</th><th>Time</th><th>Log (last lines)</th></tr>");
            for (Row r : rows) {
                TaskRecord t = r.task();
                String issue = t.key().repo().fullName() + "#" + t.key().issue();
                h.append("<tr><td><a href=\"").append(esc(issuePath(t.key().repo().fullName(), t.key().issue())))
                        .append("\">").append(esc(issue)).append("</a>")
                        .append("</td><td>").append(t.number())
                        .append("</td><td>").append(esc(t.title()))
                        .append("</td><td>").append(esc(t.status().label()))
                        .append(t.message() == null ? "" : "<br><small>" + esc(t.message()) + "</small>")
                        .append("</td><td>").append(t.branch() == null ? "" : "<code>" + esc(t.branch()) + "</code>")
                        .append("</td><td>").append(pr(t))
                        .append("</td><td>").append(agent(t))
                        .append("</td><td>").append(esc(Durations.format(t.elapsed())))
                        .append("</td><td>").append(log(taskLogId(t), r.logTail()))
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("<h2>Agents</h2>");
        if (page.agents().isEmpty()) {
            h.append("<p>No agent has run since the server started.</p>");
        } else {
            h.append("<table id=\"agents\"><tr><th>Kind</th><th>Issue</th><th>For</th><th>Started</th><th>State</th>")
                    .append("<th>Log (last lines)</th></tr>");
            for (AgentRow a : page.agents()) {
                h.append("<tr><td>").append(esc(a.kind())).append("</td><td>");
                if (!a.repository().isEmpty() && a.issue().matches("\\d+")) {
                    h.append("<a href=\"").append(esc(issuePath(a.repository(), Integer.parseInt(a.issue()))))
                            .append("\">").append(esc(a.repository() + "#" + a.issue())).append("</a>");
                }
                h.append("</td><td>").append(esc(a.title())).append("</td><td>").append(esc(a.started().toString()))
                        .append("</td><td>").append(esc(a.state())).append("</td><td>")
                        .append(log(a.logId(), a.logTail())).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append(TAILS_SCRIPT);
        return h.append("</body></html>").toString();
    }

    /** The id under which a task's agent log is polled. */
    public static String taskLogId(TaskRecord t) {
        return "task/" + t.key().repo().fullName() + "/" + t.key().issue() + "/" + t.key().task();
    }

    /** The page of one issue. */
    public static String issuePath(String fullName, int issue) {
        return "/issues/" + fullName + "/" + issue;
    }

    private static String log(String id, String tail) {
        return "<details" + (tail.isBlank() ? "" : " open") + "><summary>log</summary><pre data-log=\"" + esc(id)
                + "\">" + esc(tail) + "</pre></details>";
    }

    /**
     * Polls the page's tails URL every 2 s and puts each log's newest tail into its {@code pre} (as text, never as
     * HTML); {@code body[data-updated]} counts the polls applied.
     */
    static final String TAILS_SCRIPT = "<script>(function(){var n=0,u=document.body.getAttribute('data-tails');"
            + "function tick(){fetch(u,{cache:'no-store'}).then(function(r){return r.ok?r.json():null;})"
            + ".then(function(t){if(t){document.querySelectorAll('pre[data-log]').forEach(function(p){"
            + "var v=t[p.getAttribute('data-log')];if(typeof v==='string'&&p.textContent!==v){p.textContent=v;}});"
            + "document.body.setAttribute('data-updated',String(++n));}}).catch(function(){})"
            + ".then(function(){setTimeout(tick,2000);});}tick();})();</script>";

    private static String pr(TaskRecord t) {
        if (t.prNumber() == null) return "";
        String label = "#" + t.prNumber();
        String url = t.prUrl();
        return url != null && (url.startsWith("https://") || url.startsWith("http://"))
                ? "<a href=\"" + esc(url) + "\">" + label + "</a>" : label;
    }

    private static String agent(TaskRecord t) {
        if (t.agentRun() == null) return "";
        StringBuilder s = new StringBuilder();
        if (t.agentRun().progress() != null) s.append(esc(t.agentRun().progress()));
        if (t.agentRun().costUsd() != null) s.append(s.isEmpty() ? "" : "<br>").append(esc(String.format("$%.4f", t.agentRun().costUsd())));
        return s.toString();
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
