package dev.grove.pipeline;

import dev.grove.config.RepoConfig;
import dev.grove.plan.Plan;
import java.util.Set;

/**
 * How to run an issue beyond the request itself: the repository's config, which task numbers to run (empty: all),
 * and the plan to run (null: plan from the issue now). Who may run it is decided before ({@code CommandAuthorizer}).
 */
public record RunOptions(RepoConfig config, Set<Integer> only, Plan plan) {
    public RunOptions {
        only = Set.copyOf(only);
    }

    /** All tasks, planned now, with the given config. */
    public static RunOptions all(RepoConfig config) {
        return new RunOptions(config, Set.of(), null);
    }
}
