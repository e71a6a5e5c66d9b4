package dev.grove.agent;

import java.time.Duration;

/**
 * What an agent said about its own run, where it says anything (Claude Code's {@code result} event); every field
 * may be null. {@code sessionId} and {@code configDir} let a later revise resume the same conversation.
 */
public record AgentReport(String summary, Integer turns, Double costUsd, Duration apiDuration, String sessionId,
        String configDir) {
    public static final AgentReport NONE = new AgentReport(null, null, null, null, null, null);
}
