package dev.grove.pipeline;

import dev.grove.agent.AgentRunner;
import java.time.Duration;
import java.util.List;

/**
 * How experiments run, from the repository's config: {@code verify} (must exit 0), optional {@code measure} (its
 * last output line is a number), {@code maxAttempts} (the repository's {@code max_tasks}), and optional
 * {@code promptVariants}: attempt {@code i} gets variant {@code (i-1) % size} appended to its prompt. {@code agent}
 * is the agent the repository's config names (null: the runner's default agent).
 */
public record ExperimentSettings(String verifyCommand, String measureCommand, int maxAttempts,
        List<String> promptVariants, Duration commandTimeout, AgentRunner agent) {
    public ExperimentSettings {
        promptVariants = promptVariants == null ? List.of() : List.copyOf(promptVariants);
        commandTimeout = commandTimeout == null ? Duration.ofMinutes(10) : commandTimeout;
    }

    public ExperimentSettings(String verifyCommand, String measureCommand, int maxAttempts) {
        this(verifyCommand, measureCommand, maxAttempts, List.of(), null, null);
    }

    public ExperimentSettings(String verifyCommand, String measureCommand, int maxAttempts,
            List<String> promptVariants, Duration commandTimeout) {
        this(verifyCommand, measureCommand, maxAttempts, promptVariants, commandTimeout, null);
    }
}
