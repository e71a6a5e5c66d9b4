package dev.grove.store;

/** Where a task stands. The last four are where a run leaves it. */
public enum TaskStatus {
    QUEUED("queued"),
    WAITING("waiting for an earlier wave"),
    RUNNING("agent running"),
    PUSHING("pushing"),
    PUSHED("pushed"),
    PR_OPENED("PR opened"),
    NO_CHANGES("no changes"),
    FAILED("failed");

    private final String label;

    TaskStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean finished() {
        return this == PR_OPENED || this == NO_CHANGES || this == FAILED;
    }
}
