package dev.grove.model;

/**
 * What every pipeline step is keyed by: the repository, the issue, and the task's slug within the issue. Besides the
 * plan's tasks, an issue's {@code /grove try} attempts and its planner agent have keys (and records) of their own, so
 * that their agent runs are charged to the issue's budget, recorded, and reached by {@code /grove cancel}; their
 * slugs start with {@code ~}, which no task slug does.
 */
public record TaskKey(RepoRef repo, int issue, String task) {
    private static final String OWN = "~";

    /** Attempt {@code n} of the issue's {@code /grove try}. */
    public static TaskKey attempt(RepoRef repo, int issue, int n) {
        return new TaskKey(repo, issue, OWN + "try-" + n);
    }

    /** The issue's planner agent. */
    public static TaskKey planner(RepoRef repo, int issue) {
        return new TaskKey(repo, issue, OWN + "planner");
    }

    /**
     * Whether this is one of the plan's tasks (not an attempt or the planner). Not named {@code isX}: the store
     * writes records with Jackson, which would take it for a field.
     */
    public boolean inPlan() {
        return !task.startsWith(OWN);
    }

    /** How users call it: {@code task 2}, {@code attempt 1}, {@code the planner}. */
    public String label(int number) {
        if (inPlan()) return "task " + number;
        return task.equals(OWN + "planner") ? "the planner" : "attempt " + number;
    }

    @Override
    public String toString() {
        return repo.fullName() + "#" + issue + "/" + task;
    }
}
