package dev.grove.model;

/** Where a task stands. PR_OPENED, NO_CHANGES and FAILED are where a run leaves it; MERGED and CLOSED come after. */
public enum TaskStatus {
    PLANNED("planned"),
    QUEUED("queued"),
    WAITING("waiting for an earlier wave"),
    RUNNING("agent running"),
    PUSHING("pushing"),
    PUSHED("pushed"),
    PR_OPENED("PR opened"),
    NO_CHANGES("no changes"),
    FAILED("failed"),
    MERGED("merged"),
    CLOSED("closed unmerged");

    private final String label;

    TaskStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean finished() {
        return this == PR_OPENED || this == NO_CHANGES || this == FAILED || this == MERGED || this == CLOSED;
    }

    /** The task's PR is open, merged or closed: a run never starts it again. */
    public boolean hasPullRequest() {
        return this == PR_OPENED || this == MERGED || this == CLOSED;
    }
}
