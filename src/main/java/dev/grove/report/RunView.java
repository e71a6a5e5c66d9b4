package dev.grove.report;

import dev.grove.github.RepoRef;
import dev.grove.store.TaskRecord;
import java.time.Duration;
import java.util.List;

/**
 * What the tracking comment shows of one run. {@code wallTime} is null while the run is going;
 * {@code problem} is a run-level failure (e.g. the clone could not be fetched), or null.
 */
public record RunView(
        RepoRef repo, int issue, List<TaskRecord> tasks, List<String> planNotes, Duration wallTime, String problem) {
    public RunView {
        tasks = List.copyOf(tasks);
        planNotes = List.copyOf(planNotes);
    }
}
