package dev.grove.store;

import dev.grove.model.RunRequest;
import dev.grove.plan.Plan;

/**
 * An issue's plan and the request it was made from. A later {@code /grove run} runs this plan as long as the
 * issue's body is what it was; a retry from a check run rebuilds its request from here.
 */
public record SavedPlan(RunRequest request, Plan plan) {
}
