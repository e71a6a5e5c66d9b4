package dev.grove.plan;

/** Issue text to a plan. Pure: no I/O. */
public final class TaskPlanner {
    public Plan plan(String issueTitle, String issueBody) {
        throw new UnsupportedOperationException("to be written");
    }
}
