package dev.grove.store;

import dev.grove.model.RunRequest;
import dev.grove.model.RunTotals;
import dev.grove.plan.Checklist;
import dev.grove.plan.Plan;

/**
 * An issue's plan and the request it was made from. A later {@code /grove run} runs this plan as long as the
 * issue's body is what it was; a retry from a check run rebuilds its request from here. {@code lastRun} holds the
 * figures of the last finished run of it, or null before one finished. {@code shownForApproval}: {@code /grove plan}
 * showed this plan and no run has used it yet, so a run must run exactly it.
 */
public record SavedPlan(RunRequest request, Plan plan, RunTotals lastRun, boolean shownForApproval) {
    public SavedPlan(RunRequest request, Plan plan) {
        this(request, plan, null, false);
    }

    public SavedPlan(RunRequest request, Plan plan, RunTotals lastRun) {
        this(request, plan, lastRun, false);
    }

    /** Whether the issue's body is still what this plan was made from (Grove's own checkbox ticks aside). */
    public boolean madeFrom(String issueBody) {
        return Checklist.withoutTicks(request.issueBody()).equals(Checklist.withoutTicks(issueBody));
    }
}
