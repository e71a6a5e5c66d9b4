package dev.grove.pipeline;

import dev.grove.model.Durations;
import dev.grove.model.Money;
import dev.grove.model.TaskRecord;
import java.time.Duration;
import java.util.List;

/**
 * What one issue may use across all its agent runs (tasks, revises, {@code /grove try} attempts, the planner): dollars
 * of agent cost (as agents report it) and agent time. {@link #allow} is asked before every agent run: a run starts only
 * if something is left, and may use at most what is left (its timeout and, for agents that report cost, its cost
 * ceiling are lowered to fit). Null: no limit.
 */
public record IssueBudget(Double maxUsd, Duration maxAgentTime) {
    public static final IssueBudget UNLIMITED = new IssueBudget(null, null);

    /** Whether an agent run may start, and within what. */
    public sealed interface Allowance {
        /** It may run for at most {@code timeout}, spending at most {@code maxCostUsd} (null: no cap). */
        record Allowed(Duration timeout, Double maxCostUsd) implements Allowance {
        }

        /** It may not run; {@code message} says why and what to do. */
        record Refused(String message) implements Allowance {
        }
    }

    /** The tighter of this budget and another limit (null: none) on each count. */
    public IssueBudget tighter(Double usd, Duration agentTime) {
        Double u = maxUsd;
        if (usd != null && (u == null || usd < u)) u = usd;
        Duration t = maxAgentTime;
        if (agentTime != null && (t == null || agentTime.compareTo(t) < 0)) t = agentTime;
        return new IssueBudget(u, t);
    }

    /**
     * @param issueRecords every record of the issue (their agent runs are what was spent)
     * @param timeout      the agent's own timeout
     * @param perRunUsd    the repository's cap on one run (null: none)
     */
    public Allowance allow(List<TaskRecord> issueRecords, Duration timeout, Double perRunUsd) {
        double spent = 0;
        Duration used = Duration.ZERO;
        for (TaskRecord r : issueRecords) {
            if (r.agentRun() == null) continue;
            spent += r.agentRun().spentOrZero();
            used = used.plus(r.agentRun().agentTimeOrZero());
        }
        Double maxCost = null;
        if (maxUsd != null) {
            if (spent >= maxUsd) {
                return new Allowance.Refused("not run: the issue's agent budget of " + Money.usd(maxUsd) + " is spent ("
                        + Money.usd(spent) + " so far); raise it to run more");
            }
            maxCost = maxUsd - spent;
        }
        if (perRunUsd != null && (maxCost == null || perRunUsd < maxCost)) {
            maxCost = perRunUsd;
        }
        if (maxAgentTime != null) {
            Duration left = maxAgentTime.minus(used);
            if (left.compareTo(Duration.ofSeconds(1)) < 0) {
                return new Allowance.Refused("not run: the issue's " + Durations.format(maxAgentTime)
                        + " of agent time is used up (" + Durations.format(used) + "); raise it to run more");
            }
            if (left.compareTo(timeout) < 0) timeout = left;
        }
        return new Allowance.Allowed(timeout, maxCost);
    }
}
