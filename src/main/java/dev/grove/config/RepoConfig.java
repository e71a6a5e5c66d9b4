package dev.grove.config;

import java.time.Duration;
import java.util.List;

/**
 * A repository's {@code .github/grove.yml}, every key optional. {@code base} null means the repository's default
 * branch; {@code verify} null means no verify step. {@code agent} is the name of one of the agents the server
 * defines: a repository never names a command for the agent.
 */
public record RepoConfig(
        String triggerLabel,
        int maxParallel,
        String branchPrefix,
        String base,
        String permission,
        boolean requireCodeOwners,
        String agent,
        String verify,
        Duration verifyTimeout,
        boolean draftOnFailure,
        boolean deleteBranchOnMerge) {

    public static final String PATH = ".github/grove.yml";
    /** The permission levels, weakest first. */
    public static final List<String> LEVELS = List.of("none", "read", "triage", "write", "maintain", "admin");
    public static final String DEFAULT_AGENT = "default";

    /** The defaults, with the server's trigger label and parallelism. */
    public static RepoConfig defaults(String triggerLabel, int maxParallel) {
        return new RepoConfig(triggerLabel, maxParallel, "grove/", null, "write", false, DEFAULT_AGENT, null,
                Duration.ofMinutes(10), true, false);
    }

    /** Whether a user with {@code role} may command Grove under this config. */
    public boolean allows(String role) {
        return LEVELS.indexOf(role) >= LEVELS.indexOf(permission);
    }

    public String baseOr(String defaultBranch) {
        return base == null ? defaultBranch : base;
    }
}
