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

    public String render(List<Row> rows, Instant now) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"10\">")
                .append("<title>Grove</title><style>body{font:14px system-ui,sans-serif;margin:1.5em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top}")
                .append("th{background:#f6f8fa;text-align:left}pre{margin:0;max-width:60em;overflow:auto;font-size:12px}")
                .append("</style></head><body><h1>Grove</h1><p>")
                .append(rows.size()).append(rows.size() == 1 ? " task" : " tasks")
                .append(", the most recently active first · ").append(esc(now.toString()))
                .append(" · refreshes every 10 s · <a href=\"/metrics\">metrics</a></p>");
        if (rows.isEmpty()) {
            h.append("<p>No task yet. Label an issue <code>grove</code> or comment <code>/grove run</code>.</p>");
        } else {
            h.append("<table><tr><th>Issue</th><th>#</th><th>Task</th><th>Status</th><th>Branch</th><th>PR</th>")
                    .append("<th>Agent</th><th>Time</th><th>Log (last lines)</th></tr>");
            for (Row r : rows) {
                TaskRecord t = r.task();
                h.append("<tr><td>").append(esc(t.key().repo().fullName())).append('#').append(t.key().issue())
                        .append("</td><td>").append(t.number())
                        .append("</td><td>").append(esc(t.title()))
                        .append("</td><td>").append(esc(t.status().label()))
                        .append(t.message() == null ? "" : "<br><small>" + esc(t.message()) + "</small>")
                        .append("</td><td>").append(t.branch() == null ? "" : "<code>" + esc(t.branch()) + "</code>")
                        .append("</td><td>").append(pr(t))
                        .append("</td><td>").append(agent(t))
                        .append("</td><td>").append(esc(Durations.format(t.elapsed())))
                        .append("</td><td>").append(r.logTail().isBlank() ? ""
                                : "<details><summary>log</summary><pre>" + esc(r.logTail()) + "</pre></details>")
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        return h.append("</body></html>").toString();
    }

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
