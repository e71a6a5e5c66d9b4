package dev.grove.agent;

import java.time.Duration;

/**
 * How an agent run ended. {@code outputTail} is the last lines of its output, for PR bodies and messages;
 * {@code report} is what the agent said about its run (summary, turns, cost), {@link AgentReport#NONE} if nothing.
 */
public sealed interface AgentOutcome {
    String outputTail();

    Duration elapsed();

    AgentReport report();

    /** Exit code 0. */
    record Finished(String outputTail, Duration elapsed, AgentReport report) implements AgentOutcome {
        public Finished(String outputTail, Duration elapsed) {
            this(outputTail, elapsed, AgentReport.NONE);
        }
    }

    /** It ran and failed, or could not start. */
    record Failed(String reason, String outputTail, Duration elapsed, AgentReport report) implements AgentOutcome {
        public Failed(String reason, String outputTail, Duration elapsed) {
            this(reason, outputTail, elapsed, AgentReport.NONE);
        }
    }

    /** Killed, with its whole process tree, when the timeout passed. */
    record TimedOut(Duration timeout, String outputTail, Duration elapsed, AgentReport report) implements AgentOutcome {
        public TimedOut(Duration timeout, String outputTail, Duration elapsed) {
            this(timeout, outputTail, elapsed, AgentReport.NONE);
        }
    }

    /** Stopped, with its whole process tree, through its {@link CancelSignal}. */
    record Cancelled(String reason, String outputTail, Duration elapsed, AgentReport report) implements AgentOutcome {
    }
}
