package dev.grove.agent;

import java.time.Duration;

/**
 * What an agent said about its own run, where it says anything (Claude Code's {@code result} event); every field
 * may be null. {@code sessionId} and {@code configDir} let a later revise resume the same conversation.
 * {@code tokens} is the run's input plus output tokens (cache reads and writes included), where reported.
 */
public record AgentReport(String summary, Integer turns, Double costUsd, Duration apiDuration, String sessionId,
        String configDir, Long tokens) {
    public static final AgentReport NONE = new AgentReport(null, null, null, null, null, null, null);

    /** A report without a token count. */
    public AgentReport(String summary, Integer turns, Double costUsd, Duration apiDuration, String sessionId,
            String configDir) {
        this(summary, turns, costUsd, apiDuration, sessionId, configDir, null);
    }
}
