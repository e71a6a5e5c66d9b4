package dev.grove.report;

import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import dev.grove.plan.Plan;
import dev.grove.model.RunTotals;
import dev.grove.model.TaskRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the tracking comment shows of one run. {@code totals} is null while the run is going;
 * {@code problem} is a run-level failure (e.g. the clone could not be fetched), or null. {@code outsidePaths}: by task
 * number, the files a task changed outside its paths. {@code mergeCheck}: whether the pushed branches merge with
 * each other, or null before they have pushed. {@code plan}: the plan's waves and source, or null.
 */
public record RunView(
        RepoRef repo, int issue, List<TaskRecord> tasks, List<String> planNotes, RunTotals totals, String problem,
        Map<Integer, List<String>> outsidePaths, MergeCheck mergeCheck, Plan plan) {
    public RunView {
        tasks = List.copyOf(tasks);
        planNotes = List.copyOf(planNotes);
        outsidePaths = outsidePaths == null ? Map.of() : Map.copyOf(outsidePaths);
    }

    public RunView(
            RepoRef repo, int issue, List<TaskRecord> tasks, List<String> planNotes, RunTotals totals, String problem) {
        this(repo, issue, tasks, planNotes, totals, problem, Map.of(), null, null);
    }
}
