package dev.grove.agent;

import dev.grove.model.Durations;

/**
 * The one place an agent's outcome becomes words users read: "the agent ran past its 10m timeout and was stopped",
 * never {@code PT10M}. Callers add what it means for their step (what was kept, what was pushed).
 */
public final class AgentMessages {
    private AgentMessages() {
    }

    /** Why the agent did not finish, as a clause: lower case, no final stop. */
    public static String whyNotFinished(AgentOutcome outcome) {
        return whyNotFinished(outcome, "the agent");
    }

    /** The same, naming the agent as {@code who} (e.g. "the planner agent"). */
    public static String whyNotFinished(AgentOutcome outcome, String who) {
        if (outcome instanceof AgentOutcome.Failed f) {
            return f.reason();
        }
        if (outcome instanceof AgentOutcome.TimedOut t) {
            return who + " ran past its " + Durations.format(t.timeout()) + " timeout and was stopped";
        }
        if (outcome instanceof AgentOutcome.Cancelled c) {
            return who + " was stopped (" + c.reason() + ")";
        }
        return who + " finished";
    }

    /** A sentence: the clause with a capital letter. */
    public static String sentence(String clause) {
        return clause.isEmpty() ? clause : Character.toUpperCase(clause.charAt(0)) + clause.substring(1);
    }
}
