package dev.grove.pipeline;

import dev.grove.config.RepoConfig;
import dev.grove.plan.Plan;
import java.util.Set;

/**
 * How to run an issue beyond the request itself: the repository's config, which task numbers to run (empty: all),
 * the plan to run (null: plan from the issue now) and whether the requester's permission was checked already.
 */
public record RunOptions(RepoConfig config, Set<Integer> only, Plan plan, boolean authorized) {
    public RunOptions {
        only = Set.copyOf(only);
    }

    /** All tasks, planned now, with the given config; the permission is checked by the run. */
    public static RunOptions unchecked(RepoConfig config) {
        return new RunOptions(config, Set.of(), null, false);
    }
}
