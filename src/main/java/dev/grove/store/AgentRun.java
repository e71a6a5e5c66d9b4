package dev.grove.store;

/**
 * What a task's agent did: which agent, its latest progress line (while it runs), and what it reported at the end
 * (summary, turns, cost). {@code sessionId} and {@code configDir} let a revise resume Claude Code's conversation;
 * {@code eventLog} is the file holding every progress line with its time. Every field may be null.
 */
public record AgentRun(String agent, String progress, String summary, Integer turns, Double costUsd,
        String sessionId, String configDir, String eventLog) {

    public static AgentRun of(String agent, String eventLog) {
        return new AgentRun(agent, null, null, null, null, null, null, eventLog);
    }

    public AgentRun withProgress(String p) {
        return new AgentRun(agent, p, summary, turns, costUsd, sessionId, configDir, eventLog);
    }

    public AgentRun withReport(String summary, Integer turns, Double costUsd, String sessionId, String configDir) {
        return new AgentRun(agent, progress, summary, turns, costUsd, sessionId, configDir, eventLog);
    }
}
