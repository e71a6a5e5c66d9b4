package dev.grove.report;

import dev.grove.model.MergeCheck;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.model.TaskRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The plan and the merge check as plain text for a terminal ({@code grove demo}). Pure. */
public final class PlanText {
    private PlanText() {
    }

    /** The tasks with their paths, the waves, and why each wave boundary exists. */
    public static String render(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("Plan").append(plan.source() == null ? "" : " (from " + plan.source() + ")").append(": ")
                .append(plan.tasks().size()).append(plan.tasks().size() == 1 ? " task" : " tasks").append('\n');
        for (Task t : plan.tasks()) {
            sb.append(String.format("  %d. %s  paths: %s%s%n", t.number(), t.title(),
                    t.paths().isEmpty() ? "(any)" : String.join(", ", t.paths()),
                    t.after().isEmpty() ? "" : "  after: " + t.after()));
        }
        if (plan.problem() != null) {
            sb.append("Not runnable: ").append(plan.problem()).append('\n');
            return sb.toString();
        }
        sb.append("Waves: ").append(plan.waves().size())
                .append(plan.waves().size() == 1 ? " (no overlapping paths)" : "").append('\n');
        for (int w = 0; w < plan.waves().size(); w++) {
            sb.append("  wave ").append(w + 1).append(": ").append(String.join(", ",
                    plan.waves().get(w).stream().map(t -> "task " + t.number()).toList())).append('\n');
        }
        if (!plan.notes().isEmpty()) {
            sb.append("Why:\n");
            plan.notes().forEach(n -> sb.append("  ").append(n).append('\n'));
        }
        return sb.toString();
    }

    /** A square matrix of the task branches: {@code ok} for a clean pair, {@code XX} for a conflicting one. */
    public static String conflictMatrix(MergeCheck check, List<TaskRecord> tasks) {
        Map<String, Integer> number = new HashMap<>();
        for (TaskRecord t : tasks) {
            if (t.branch() != null) number.put(t.branch(), t.number());
        }
        List<String> branches = check.branches();
        StringBuilder sb = new StringBuilder("Merge check (every pair of pushed branches, merged in memory):\n      ");
        for (String b : branches) sb.append(String.format("%5s", "T" + number.getOrDefault(b, 0)));
        sb.append('\n');
        for (String a : branches) {
            sb.append(String.format("  %-4s", "T" + number.getOrDefault(a, 0)));
            for (String b : branches) {
                String cell = a.equals(b) ? "-" : pair(check, a, b).clean() ? "ok" : "XX";
                sb.append(String.format("%5s", cell));
            }
            sb.append('\n');
        }
        for (MergeCheck.Pair p : check.conflicts()) {
            sb.append("  conflict: T").append(number.getOrDefault(p.a(), 0)).append(" + T")
                    .append(number.getOrDefault(p.b(), 0)).append(" in ").append(String.join(", ", p.conflictingFiles()))
                    .append('\n');
        }
        sb.append(check.allClean() ? "  all together: merge cleanly, in any order\n"
                : "  all together: conflicts in " + String.join(", ", check.allTogetherConflicts()) + "\n");
        return sb.toString();
    }

    private static MergeCheck.Pair pair(MergeCheck check, String a, String b) {
        return check.pairs().stream().filter(p -> p.a().equals(a) && p.b().equals(b) || p.a().equals(b) && p.b().equals(a))
                .findFirst().orElseThrow();
    }
}
