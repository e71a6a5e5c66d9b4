package dev.grove.model;

import java.time.Duration;

/**
 * The figures of one finished run, kept with the plan so a redraw shows the run's own numbers: its wall time
 * and the summed times of the tasks that ran in it (a task that already had its PR, and so did not run again, adds
 * nothing). The parallel speed-up is {@code taskTime / wall}; a run in which no task ran has none.
 */
public record RunTotals(Duration wall, Duration taskTime) {
    /** A run that ended with no figures known (e.g. from before figures were kept). */
    public static final RunTotals NONE = new RunTotals(Duration.ZERO, Duration.ZERO);

    public RunTotals {
        wall = wall == null ? Duration.ZERO : wall;
        taskTime = taskTime == null ? Duration.ZERO : taskTime;
    }

    /** Whether any task ran, so that the speed-up means something. */
    public boolean anyTaskRan() {
        return !taskTime.isZero() && !wall.isZero();
    }

    public double speedUp() {
        return anyTaskRan() ? (double) taskTime.toMillis() / Math.max(1, wall.toMillis()) : 0;
    }
}
