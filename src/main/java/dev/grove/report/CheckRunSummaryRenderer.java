package dev.grove.report;

import dev.grove.model.Durations;
import java.time.Duration;
import java.util.List;

/**
 * The summary of a task's check run: the verdict, the agent's summary (its last lines), the files changed, the
 * verify command's result and tail, and the times. Pure: Markdown out, kept well inside GitHub's 65,535 characters.
 */
public final class CheckRunSummaryRenderer {
    static final int MAX_FILES = 100;
    static final int MAX_TAIL = 6_000;

    /** What one task's check run reports. {@code verifySummary} null: no verify command is configured. */
    public record Report(String verdict, String agentTail, List<String> files, String verifySummary, String verifyTail,
            Duration agentTime, Duration verifyTime, Duration totalTime) {
    }

    public String render(Report r) {
        StringBuilder md = new StringBuilder();
        md.append(r.verdict()).append("\n\n");
        if (r.agentTail() != null && !r.agentTail().isBlank()) {
            md.append("### Agent summary\n").append(fence(r.agentTail())).append('\n');
        }
        if (r.files() != null) {
            md.append("### Files changed (").append(r.files().size()).append(")\n");
            r.files().stream().limit(MAX_FILES).forEach(f -> md.append("- `").append(f).append("`\n"));
            if (r.files().size() > MAX_FILES) {
                md.append("- … and ").append(r.files().size() - MAX_FILES).append(" more\n");
            }
            md.append('\n');
        }
        md.append("### Verify\n");
        if (r.verifySummary() == null) {
            md.append("No verify command is configured (`verify:` in `.github/grove.yml`).\n\n");
        } else {
            md.append(r.verifySummary()).append('\n');
            if (r.verifyTail() != null && !r.verifyTail().isBlank()) {
                md.append(fence(r.verifyTail()));
            }
            md.append('\n');
        }
        md.append("### Times\n");
        md.append("- agent: ").append(Durations.format(r.agentTime())).append('\n');
        if (r.verifySummary() != null) {
            md.append("- verify: ").append(Durations.format(r.verifyTime())).append('\n');
        }
        md.append("- total: ").append(Durations.format(r.totalTime())).append('\n');
        return md.toString();
    }

    private static String fence(String text) {
        String t = SafeMarkdown.neutralize(text.strip().replace("```", "ʼʼʼ"));
        if (t.length() > MAX_TAIL) {
            t = "…" + t.substring(t.length() - MAX_TAIL);
        }
        return "```text\n" + t + "\n```\n";
    }
}
