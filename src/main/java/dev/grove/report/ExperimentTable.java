package dev.grove.report;

import dev.grove.model.Attempt;
import dev.grove.model.Durations;
import dev.grove.model.RepoRef;
import java.util.List;

/** The comparison table of a {@code /grove try}, posted on the issue. Pure. */
public final class ExperimentTable {
    public static final String MARKER = "<!-- grove:experiment -->";

    private ExperimentTable() {
    }

    /**
     * @param taskNumber null: the whole issue was tried; else that task (titled {@code taskTitle})
     * @param hasVerify  whether a verify command is configured (else the column reads n/a)
     */
    public static String render(RepoRef repo, int issue, Integer taskNumber, String taskTitle, List<Attempt> attempts,
            boolean hasVerify) {
        StringBuilder md = new StringBuilder(MARKER).append('\n');
        md.append("### Grove: ").append(attempts.size()).append(attempts.size() == 1 ? " attempt" : " attempts")
                .append(" at ").append(taskNumber == null ? "#" + issue
                        : "task " + taskNumber + " of #" + issue + " (" + taskTitle + ")").append("\n\n");
        md.append("| Attempt | Branch | Verify | Diff | Files | Time | Measure |\n|---|---|---|---|---|---|---|\n");
        for (Attempt a : attempts) {
            String verify = a.verified() == null ? (hasVerify ? "not run" : "n/a")
                    : a.verified() ? ":white_check_mark: passed" : ":x: failed";
            md.append("| ").append(a.number())
                    .append(" | ").append(a.pushed() ? "`" + a.branch() + "`" : "")
                    .append(" | ").append(verify)
                    .append(" | ").append(a.diff() == null ? "" : "+" + a.diff().insertions() + " −" + a.diff().deletions())
                    .append(" | ").append(a.diff() == null ? "" : a.diff().files())
                    .append(" | ").append(Durations.format(a.time()))
                    .append(" | ").append(a.measure() == null ? "" : number(a.measure()))
                    .append(" |\n");
        }
        for (Attempt a : attempts) {
            if (a.note() != null) md.append("\n- Attempt ").append(a.number()).append(": ")
                    .append(a.note().replace("\n", " "));
        }
        md.append("\n\nKeep one with `/grove pick K`: Grove opens its pull request and removes the other attempts' "
                + "worktrees and branches.\n");
        return md.toString();
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** The body of a picked attempt's pull request. */
    public static String pickedBody(int issue, int k, String branch) {
        return "Part of #" + issue + "\n\nAttempt " + k + " of `/grove try`, picked with `/grove pick " + k
                + "`.\n\n<sub>Opened by Grove from branch `" + branch + "`. Review and merge it like any other pull "
                + "request.</sub>\n";
    }
}
