package dev.grove.report;

import dev.grove.store.TaskRecord;
import dev.grove.store.TaskStatus;
import java.time.Duration;

/** The one comment per issue that Grove edits in place as tasks move. Pure: Markdown out. */
public final class TrackingCommentRenderer {
    /** Marks Grove's tracking comment, so people and tools can tell it from other comments. */
    public static final String MARKER = "<!-- grove:tracking -->";

    public String render(RunView run) {
        StringBuilder md = new StringBuilder();
        md.append(MARKER).append('\n');
        int n = run.tasks().size();
        md.append("### Grove: ").append(n).append(n == 1 ? " task" : " tasks").append(" for #").append(run.issue());
        boolean planned = !run.tasks().isEmpty() && run.tasks().stream().allMatch(t -> t.status() == TaskStatus.PLANNED);
        md.append(planned ? " (planned)" : run.wallTime() == null ? " (running)" : " (done)").append("\n\n");
        md.append("| # | Task | Status | Branch | PR | Time |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (TaskRecord t : run.tasks()) {
            md.append("| ").append(t.number())
                    .append(" | ").append(cell(t.title()))
                    .append(" | ").append(status(t))
                    .append(" | ").append(t.branch() == null ? "" : "`" + t.branch() + "`")
                    .append(" | ").append(t.prNumber() == null ? "" : "#" + t.prNumber())
                    .append(" | ").append(Durations.format(t.elapsed()))
                    .append(" |\n");
        }
        if (!run.planNotes().isEmpty()) {
            md.append("\n**Order**\n");
            run.planNotes().forEach(note -> md.append("- ").append(note).append('\n'));
        }
        if (run.problem() != null) {
            md.append("\n:warning: ").append(run.problem()).append('\n');
        }
        if (run.wallTime() != null && !planned) {
            Duration sum = run.tasks().stream().map(TaskRecord::elapsed).filter(d -> d != null)
                    .reduce(Duration.ZERO, Duration::plus);
            md.append("\n**Totals:** wall time ").append(Durations.format(run.wallTime()))
                    .append(" · sum of task times ").append(Durations.format(sum));
            if (!run.wallTime().isZero() && !sum.isZero()) {
                md.append(String.format(" · parallel speed-up %.1f×", (double) sum.toMillis() / run.wallTime().toMillis()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String status(TaskRecord t) {
        String icon = switch (t.status()) {
            case PR_OPENED -> ":white_check_mark: ";
            case FAILED -> ":x: ";
            case NO_CHANGES -> ":heavy_minus_sign: ";
            case MERGED -> ":purple_circle: ";
            case CLOSED -> ":white_circle: ";
            case RUNNING, PUSHING -> ":hourglass_flowing_sand: ";
            default -> "";
        };
        String s = icon + t.status().label();
        if (t.message() != null && (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.PUSHED
                || t.status() == TaskStatus.NO_CHANGES || t.status() == TaskStatus.PR_OPENED
                || t.status() == TaskStatus.MERGED || t.status() == TaskStatus.CLOSED)) {
            s += ": " + t.message();
        }
        return cell(s);
    }

    /** Keeps a value inside its table cell. */
    static String cell(String s) {
        return s == null ? "" : s.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }
}
