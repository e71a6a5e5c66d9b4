package dev.grove.agent;

import java.time.Duration;

/** How an agent run ended. {@code outputTail} is the last lines of its output, for PR bodies and messages. */
public sealed interface AgentOutcome {
    String outputTail();

    Duration elapsed();

    /** Exit code 0. */
    record Finished(String outputTail, Duration elapsed) implements AgentOutcome {
    }

    /** It ran and failed, or could not start. */
    record Failed(String reason, String outputTail, Duration elapsed) implements AgentOutcome {
    }

    /** Killed, with its whole process tree, when the timeout passed. */
    record TimedOut(Duration timeout, String outputTail, Duration elapsed) implements AgentOutcome {
    }
}
