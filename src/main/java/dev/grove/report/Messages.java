package dev.grove.report;

import dev.grove.model.RepoRef;

/** What Grove says on GitHub when it will not or cannot act. Each message says what to do. */
public final class Messages {
    private Messages() {
    }

    public static String notAllowed(String user, RepoRef repo, String permission) {
        return "@" + user + " Grove runs only for people with write access to " + repo.fullName()
                + " (yours: " + permission + "), so nothing was started. Ask a maintainer to add the label.";
    }

    public static String runStillGoing(int issue) {
        return "A Grove run for #" + issue + " is still going, so this trigger started nothing. "
                + "The tracking comment shows its progress.";
    }

    /** A delivery's job failed on every attempt. */
    public static String jobFailed(String event, int attempts, String why) {
        return "Grove could not handle this " + event + " event: it failed " + attempts + " time"
                + (attempts == 1 ? "" : "s") + ", the last with: " + why + ". Nothing more will happen for it; "
                + "once the cause is fixed, redeliver it from the App's settings (Advanced → Recent Deliveries) "
                + "or give the command again.";
    }
}
