package dev.grove.store;

import dev.grove.model.RunRequest;
import dev.grove.model.RunTotals;
import dev.grove.plan.Plan;

/**
 * An issue's plan and the request it was made from. A later {@code /grove run} runs this plan as long as the
 * issue's body is what it was; a retry from a check run rebuilds its request from here. {@code lastRun} holds the
 * figures of the last finished run of it, or null before one finished.
 */
public record SavedPlan(RunRequest request, Plan plan, RunTotals lastRun) {
    public SavedPlan(RunRequest request, Plan plan) {
        this(request, plan, null);
    }

    public SavedPlan withLastRun(RunTotals totals) {
        return new SavedPlan(request, plan, totals);
    }
}
