package dev.grove.pipeline;

import dev.grove.config.RepoConfig;
import java.time.Duration;
import java.util.List;

/**
 * How experiments run, from the repository's config: its {@code verify} (must exit 0), optional {@code measure} (its
 * last output line is a number), {@code max_tasks} (the most attempts), its agent and budget; and optional
 * {@code promptVariants}: attempt {@code i} gets variant {@code (i-1) % size} appended to its prompt.
 */
public record ExperimentSettings(RepoConfig config, List<String> promptVariants) {
    public ExperimentSettings {
        promptVariants = promptVariants == null ? List.of() : List.copyOf(promptVariants);
    }

    /** The default config with these commands and limit (tests). */
    public ExperimentSettings(String verifyCommand, String measureCommand, int maxAttempts) {
        this(verifyCommand, measureCommand, maxAttempts, List.of(), null);
    }

    public ExperimentSettings(String verifyCommand, String measureCommand, int maxAttempts,
            List<String> promptVariants, Duration commandTimeout) {
        this(with(RepoConfig.defaults("grove", maxAttempts), verifyCommand, measureCommand, maxAttempts,
                commandTimeout), promptVariants);
    }

    public String verifyCommand() {
        return config.verify();
    }

    public String measureCommand() {
        return config.measure();
    }

    public int maxAttempts() {
        return config.maxTasks();
    }

    public Duration commandTimeout() {
        return config.verifyTimeout() == null ? Duration.ofMinutes(10) : config.verifyTimeout();
    }

    private static RepoConfig with(RepoConfig c, String verify, String measure, int maxTasks, Duration timeout) {
        return new RepoConfig(c.triggerLabel(), c.maxParallel(), c.branchPrefix(), c.base(), c.permission(),
                c.requireCodeOwners(), c.agent(), verify, timeout == null ? c.verifyTimeout() : timeout,
                c.draftOnFailure(), c.deleteBranchOnMerge(), maxTasks, measure, c.budget(), c.closeIssue(),
                c.ciFixAttempts(), c.setup(), c.autoResolve());
    }
}
