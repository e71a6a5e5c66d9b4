package dev.grove.pipeline;

import java.time.Duration;

/**
 * What one issue may use across its tasks: dollars of agent cost (as agents report it) and agent time. Checked as each
 * task starts: a task starts only if something is left, and may use at most what is left (its timeout and, for
 * agents that report cost, its cost ceiling are lowered to fit). Null: no limit.
 */
public record IssueBudget(Double maxUsd, Duration maxAgentTime) {
    public static final IssueBudget UNLIMITED = new IssueBudget(null, null);

    /** The tighter of this budget and another limit (null: none) on each count. */
    public IssueBudget tighter(Double usd, Duration agentTime) {
        Double u = maxUsd;
        if (usd != null && (u == null || usd < u)) u = usd;
        Duration t = maxAgentTime;
        if (agentTime != null && (t == null || agentTime.compareTo(t) < 0)) t = agentTime;
        return new IssueBudget(u, t);
    }
}
