package dev.grove.config;

import java.time.Duration;
import java.util.List;

/**
 * A repository's {@code .github/grove.yml}, every key optional. {@code base} null means the repository's default
 * branch; {@code verify} null means no verify step. {@code agent} is the name of one of the agents the server
 * defines: a repository never names a command for the agent. {@code maxTasks} caps a plan (and the attempts of
 * {@code /grove try}); {@code measure} (optional) scores experiments: the last line of its output is a number.
 * {@code closeIssue}: when every task PR of an issue is merged, Grove posts a summary and closes the issue.
 * {@code ciFixAttempts}: how many times a task is revised because another app's check failed on its pull request's
 * head (0: never). {@code setup} (null: none) is a shell command run in a task's worktree, in the sandbox, before its
 * agent starts. {@code autoResolve}: when a task PR merges and another open task PR of the issue then conflicts with
 * the base, Grove revises that task with the conflict named (true), or only comments on its PR naming the files (false).
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
        boolean deleteBranchOnMerge,
        int maxTasks,
        String measure,
        Budget budget,
        boolean closeIssue,
        int ciFixAttempts,
        String setup,
        boolean autoResolve) {

    /**
     * {@code budget:} limits of agent spend: dollars per task and per issue (as agents report cost), agent time per
     * issue. Null: no limit from the repository (the server's own limits still apply; the tighter one wins).
     */
    public record Budget(Double perTaskUsd, Double perIssueUsd, Duration agentTime) {
        public static final Budget NONE = new Budget(null, null, null);
    }

    public static final String PATH = ".github/grove.yml";
    /** The permission levels, weakest first. */
    public static final List<String> LEVELS = List.of("none", "read", "triage", "write", "maintain", "admin");
    public static final String DEFAULT_AGENT = "default";
    public static final int DEFAULT_MAX_TASKS = 8;
    public static final int DEFAULT_CI_FIX_ATTEMPTS = 2;

    /** The defaults, with the server's trigger label and parallelism. */
    public static RepoConfig defaults(String triggerLabel, int maxParallel) {
        return new RepoConfig(triggerLabel, maxParallel, "grove/", null, "write", false, DEFAULT_AGENT, null,
                Duration.ofMinutes(10), true, false, DEFAULT_MAX_TASKS, null, Budget.NONE, true,
                DEFAULT_CI_FIX_ATTEMPTS, null, true);
    }

    /** Whether a user with {@code role} may command Grove under this config. */
    public boolean allows(String role) {
        return LEVELS.indexOf(role) >= LEVELS.indexOf(permission);
    }

    public String baseOr(String defaultBranch) {
        return base == null ? defaultBranch : base;
    }
}
