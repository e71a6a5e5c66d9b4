package dev.grove.report;

import dev.grove.model.AgentRun;
import dev.grove.model.MergeCheck;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.model.TaskRecord;
import dev.grove.model.Durations;
import dev.grove.model.Money;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import dev.grove.model.TaskStatus;
import java.time.Duration;

/** The one comment per issue that Grove edits in place as tasks move. Pure: Markdown out. */
public final class TrackingCommentRenderer {
    /** Marks Grove's tracking comment, so people and tools can tell it from other comments. */
    public static final String MARKER = "<!-- grove:tracking -->";
    /** Shown on every tracking comment while the server runs with {@code GROVE_SANDBOX=off}. */
    public static final String UNSANDBOXED = "> :warning: **Unsandboxed:** this Grove server runs agents with "
            + "`GROVE_SANDBOX=off`, so an agent can read the server's secrets and other tasks' files.";

    public String render(RunView run) {
        StringBuilder md = new StringBuilder();
        md.append(MARKER).append('\n');
        int n = run.tasks().size();
        md.append("### Grove: ").append(n).append(n == 1 ? " task" : " tasks").append(" for #").append(run.issue());
        boolean planned = !run.tasks().isEmpty() && run.tasks().stream().allMatch(t -> t.status() == TaskStatus.PLANNED);
        md.append(planned ? " (planned)" : run.totals() == null ? " (running)" : " (done)").append("\n\n");
        if (!dev.grove.sandbox.Sandbox.system().enabled()) {
            md.append(UNSANDBOXED).append("\n\n");
        }
        if (planned && run.plan() != null) {
            md.append(scope(run.plan()));
        } else {
            md.append("| # | Task | Status | Branch | PR | Time |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (TaskRecord t : run.tasks()) {
                md.append("| ").append(t.number())
                        .append(" | ").append(cell(t.title()))
                        .append(" | ").append(status(t))
                        .append(" | ").append(t.branch() == null ? "" : "`" + t.branch() + "`")
                        .append(" | ").append(t.prNumber() == null ? "" : "#" + t.prNumber())
                        .append(" | ").append(time(t))
                        .append(" |\n");
            }
        }
        if (run.plan() != null && run.plan().waves().size() > 1) {
            md.append("\n**Waves**: ");
            List<String> waves = new ArrayList<>();
            for (int w = 0; w < run.plan().waves().size(); w++) {
                waves.add((w + 1) + ": " + run.plan().waves().get(w).stream().map(t -> "task " + t.number())
                        .collect(Collectors.joining(", ")));
            }
            md.append(String.join(" · ", waves)).append('\n');
        }
        if (!run.planNotes().isEmpty()) {
            md.append("\n**Order**\n");
            run.planNotes().forEach(note -> md.append("- ").append(note).append('\n'));
        }
        if (!run.outsidePaths().isEmpty()) {
            md.append("\n**Outside their paths**\n");
            new TreeMap<>(run.outsidePaths()).forEach((num, files) -> md.append("- :warning: Task ").append(num)
                    .append(" changed ").append(files.stream().limit(10).map(f -> "`" + f + "`")
                            .collect(Collectors.joining(", ")))
                    .append(files.size() > 10 ? " and " + (files.size() - 10) + " more" : "").append('\n'));
        }
        if (run.mergeCheck() != null) {
            md.append(mergeMatrix(run.mergeCheck(), run.tasks()));
        }
        if (run.problem() != null) {
            md.append("\n:warning: ").append(run.problem()).append('\n');
        }
        if (run.totals() != null && run.totals().anyTaskRan() && !planned) {
            md.append("\n**Totals:** wall time ").append(Durations.format(run.totals().wall()))
                    .append(" · sum of task times ").append(Durations.format(run.totals().taskTime()))
                    .append(String.format(" · parallel speed-up %.1f×", run.totals().speedUp())).append('\n');
        }
        double spent = run.tasks().stream().map(TaskRecord::agentRun)
                .filter(a -> a != null).mapToDouble(AgentRun::spentOrZero).sum();
        if (spent > 0) {
            md.append(run.totals() == null || !run.totals().anyTaskRan() ? "\n" : "").append("**Agent spend:** ").append(Money.usd(spent)).append('\n');
        }
        return md.toString();
    }

    /**
     * What {@code /grove plan} asks people to approve: every task with the paths it may touch, its wave and what it
     * waits for, exactly as {@code /grove run} will execute the plan.
     */
    static String scope(Plan plan) {
        Map<Integer, Integer> waveOf = new HashMap<>();
        for (int w = 0; w < plan.waves().size(); w++) {
            for (Task t : plan.waves().get(w)) waveOf.put(t.number(), w + 1);
        }
        StringBuilder md = new StringBuilder("| # | Task | May touch | Wave | Waits for |\n|---|---|---|---|---|\n");
        for (Task t : plan.tasks()) {
            md.append("| ").append(t.number())
                    .append(" | ").append(cell(t.title()))
                    .append(" | ").append(t.paths().isEmpty() ? "any file (no `paths:` given)"
                            : t.paths().stream().map(p -> "`" + cell(p).replace("`", "") + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(waveOf.containsKey(t.number()) ? String.valueOf(waveOf.get(t.number())) : "")
                    .append(" | ").append(t.after().isEmpty() ? "" : t.after().stream().map(n -> "task " + n)
                            .collect(Collectors.joining(", ")))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** Time, and for agents that report them, cost and turns. */
    private static String time(TaskRecord t) {
        String s = Durations.format(t.elapsed());
        AgentRun a = t.agentRun();
        if (a != null && a.costUsd() != null) {
            s += (s.isEmpty() ? "" : " · ") + Money.usd(a.costUsd());
        }
        if (a != null && a.turns() != null) {
            s += (s.isEmpty() ? "" : " · ") + a.turns() + (a.turns() == 1 ? " turn" : " turns");
        }
        return s;
    }


    /**
     * The merge check in words: each conflicting pair with its files, the pairs that merge cleanly, and whether all
     * of them merge together.
     */
    public static String mergeMatrix(MergeCheck check, List<TaskRecord> tasks) {
        Map<String, String> names = new HashMap<>();
        for (TaskRecord t : tasks) {
            if (t.branch() != null) names.put(t.branch(), "task " + t.number());
        }
        java.util.function.Function<String, String> name = b -> names.getOrDefault(b, "`" + b + "`");
        StringBuilder md = new StringBuilder("\n**Merge check** (the pushed branches merged in memory)\n");
        for (MergeCheck.Pair p : check.conflicts()) {
            md.append("- :x: ").append(capitalize(name.apply(p.a()))).append(" and ").append(name.apply(p.b()))
                    .append(" conflict in ").append(p.conflictingFiles().stream().map(f -> "`" + f + "`")
                            .collect(Collectors.joining(", "))).append('\n');
        }
        List<String> clean = check.pairs().stream().filter(MergeCheck.Pair::clean)
                .map(p -> name.apply(p.a()) + " + " + name.apply(p.b())).toList();
        if (!clean.isEmpty()) {
            md.append("- :white_check_mark: Merge cleanly: ").append(String.join(" · ", clean)).append('\n');
        }
        int n = check.branches().size();
        if (check.allClean()) {
            md.append("- All ").append(n).append(" merge together cleanly, in any order.\n");
        } else {
            md.append("- All ").append(n).append(" together: conflicts in ").append(check.allTogetherConflicts()
                    .stream().map(f -> "`" + f + "`").collect(Collectors.joining(", ")))
                    .append("; merge one of each conflicting pair, then update the other from the base branch.\n");
        }
        return md.toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
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
        if (t.status() == TaskStatus.RUNNING && t.agentRun() != null && t.agentRun().progress() != null) {
            s += ": " + SafeMarkdown.neutralize(t.agentRun().progress());
        }
        if (t.message() != null && (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.PUSHED
                || t.status() == TaskStatus.NO_CHANGES || t.status() == TaskStatus.PR_OPENED
                || t.status() == TaskStatus.MERGED || t.status() == TaskStatus.CLOSED
                || t.status() == TaskStatus.WAITING)) {
            s += ": " + SafeMarkdown.neutralize(t.message());
        }
        return cell(s);
    }

    /** Keeps a value inside its table cell. */
    static String cell(String s) {
        return s == null ? "" : s.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }
}
