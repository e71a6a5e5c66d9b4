package dev.grove.model;

import java.time.Duration;

/**
 * What a task's agent did: which agent, its latest progress line (while it runs), and what it reported at the end
 * of its latest run (summary, turns, cost). {@code sessionId} and {@code configDir} let a revise resume Claude Code's
 * conversation; {@code eventLog} is the file holding every progress line with its time. {@code spentUsd} and
 * {@code agentTime} add up every run of the task (what the budget counts). Every field may be null.
 */
public record AgentRun(String agent, String progress, String summary, Integer turns, Double costUsd,
        String sessionId, String configDir, String eventLog, Double spentUsd, Duration agentTime) {

    /** A new run of the task, carrying what its earlier runs spent. */
    public static AgentRun start(String agent, String eventLog, AgentRun earlier) {
        return new AgentRun(agent, null, null, null, null, null, null, eventLog,
                earlier == null ? null : earlier.spentUsd(), earlier == null ? null : earlier.agentTime());
    }

    public AgentRun withProgress(String p) {
        return new AgentRun(agent, p, summary, turns, costUsd, sessionId, configDir, eventLog, spentUsd, agentTime);
    }

    /** The run's report; its cost and time are added to the totals. */
    public AgentRun finished(String summary, Integer turns, Double costUsd, String sessionId, String configDir,
            Duration ranFor) {
        double spent = (spentUsd == null ? 0 : spentUsd) + (costUsd == null ? 0 : costUsd);
        Duration time = (agentTime == null ? Duration.ZERO : agentTime).plus(ranFor == null ? Duration.ZERO : ranFor);
        return new AgentRun(agent, null, summary, turns, costUsd, sessionId, configDir, eventLog,
                spentUsd == null && costUsd == null ? null : spent, time);
    }

    public double spentOrZero() {
        return spentUsd == null ? 0 : spentUsd;
    }

    public Duration agentTimeOrZero() {
        return agentTime == null ? Duration.ZERO : agentTime;
    }
}
