package dev.grove.app;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentsFile;
import dev.grove.github.GitHubClientSettings;
import dev.grove.pipeline.IssueBudget;
import dev.grove.model.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The server's settings, from environment variables. Secrets stay here and in the objects that need them; they
 * are never logged, printed or passed to agents.
 */
public record AppConfig(
        int port,
        String webhookSecret,
        String appId,
        Path privateKeyFile,
        String githubApi,
        Path dataDir,
        int maxParallel,
        String agentCommand,
        Duration agentTimeout,
        List<String> agentEnv,
        String triggerLabel,
        AgentsFile.Agents agents,
        IssueBudget issueBudget,
        Map<String, String> agentBaseEnv,
        GitHubClientSettings githubClient,
        Admin admin,
        Durability durability,
        Duration commentInterval,
        Duration reviewBatch) {

    /** How long after a review comment on a Grove pull request its batch's revise starts (GROVE_REVIEW_BATCH). */
    public static final Duration DEFAULT_REVIEW_BATCH = Duration.ofSeconds(10);

    /**
     * The admin surface ({@code GET /}, {@code GET /metrics}): its own port, bound to {@code bind}; {@code token} (a
     * bearer token) is required on any address but loopback. Never logged.
     */
    public record Admin(int port, String bind, String token) {
        public boolean loopbackOnly() {
            return isLoopback(bind);
        }

        static boolean isLoopback(String bind) {
            return bind.equals("localhost") || bind.equals("::1") || bind.equals("[::1]") || bind.startsWith("127.");
        }

        @Override
        public String toString() {
            return "Admin[port=" + port + ", bind=" + bind + ", token=" + (token == null ? "none" : "****") + "]";
        }
    }

    /**
     * Where state and jobs live and how they outlive a process: {@code databaseUrl} (GROVE_DATABASE_URL; null: SQLite in
     * the data folder), how long SIGTERM waits for running jobs (GROVE_DRAIN_TIMEOUT), how often a process beats
     * (GROVE_HEARTBEAT; its jobs are revived by another process, or the next start, after 4 missed beats), and how
     * long delivery ids are remembered (GROVE_DELIVERY_RETENTION); a failing job is tried GROVE_JOB_ATTEMPTS times,
     * GROVE_JOB_BACKOFF apart (doubling).
     */
    public record Durability(String databaseUrl, Duration drainTimeout, Duration heartbeat, Duration deliveryRetention,
            int jobAttempts, Duration jobBackoff) {
        public static final Durability DEFAULTS = new Durability(null, Duration.ofMinutes(10), Duration.ofSeconds(10),
                Duration.ofHours(72), 3, Duration.ofSeconds(5));
    }

    public static final String DEFAULT_AGENT_COMMAND = "claude -p --permission-mode acceptEdits";

    /** An environment variable Grove reads, and whether {@code grove serve} refuses to start without it. */
    public record Variable(String name, boolean required) {
    }

    /**
     * Every environment variable Grove reads, in one place: {@code DeploymentFilesTest} fails when the sources name a
     * {@code GROVE_*} variable missing here, and checks the Dockerfile and the files in {@code infra/} against it.
     * ({@code GROVE_DATABASE_URL}: the shared database, read by the database-backed store.)
     */
    public static final List<Variable> VARIABLES = List.of(
            new Variable("GROVE_APP_ID", true), new Variable("GROVE_PRIVATE_KEY_FILE", true),
            new Variable("GROVE_WEBHOOK_SECRET", true), new Variable("GROVE_PORT", false),
            new Variable("GROVE_GITHUB_API", false), new Variable("GROVE_DATA_DIR", false),
            new Variable("GROVE_MAX_PARALLEL", false), new Variable("GROVE_AGENT_COMMAND", false),
            new Variable("GROVE_AGENT_TIMEOUT", false), new Variable("GROVE_AGENT_ENV", false),
            new Variable("GROVE_TRIGGER_LABEL", false), new Variable("GROVE_AGENTS_FILE", false),
            new Variable("GROVE_ISSUE_BUDGET_USD", false), new Variable("GROVE_ISSUE_AGENT_TIME", false),
            new Variable("GROVE_ADMIN_PORT", false), new Variable("GROVE_ADMIN_BIND", false),
            new Variable("GROVE_ADMIN_TOKEN", false), new Variable("GROVE_DATABASE_URL", false),
            new Variable("GROVE_DRAIN_TIMEOUT", false), new Variable("GROVE_HEARTBEAT", false),
            new Variable("GROVE_DELIVERY_RETENTION", false), new Variable("GROVE_JOB_ATTEMPTS", false),
            new Variable("GROVE_JOB_BACKOFF", false), new Variable("GROVE_COMMENT_INTERVAL", false),
            new Variable("GROVE_LOG_FORMAT", false), new Variable("GROVE_SANDBOX", false),
            new Variable("GROVE_GITHUB_TIMEOUT", false), new Variable("GROVE_GITHUB_RETRIES", false),
            new Variable("GROVE_GITHUB_BACKOFF", false), new Variable("GROVE_GITHUB_MAX_WAIT", false),
            new Variable("GROVE_SANDBOX_UID", false), new Variable("GROVE_SANDBOX_MEMORY", false),
            new Variable("GROVE_SANDBOX_PROCESSES", false), new Variable("GROVE_SANDBOX_RO_BIND", false),
            new Variable("GROVE_SANDBOX_BIND", false), new Variable("GROVE_REVIEW_BATCH", false),
            // `grove setup` only
            new Variable("GROVE_PUBLIC_URL", false), new Variable("GROVE_SETUP_PORT", false),
            new Variable("GROVE_GITHUB_URL", false), new Variable("GROVE_GITHUB_ORG", false),
            new Variable("GROVE_APP_MANIFEST", false));

    /** Reads the settings; every problem is listed in one exception whose message says what to set. */
    public static AppConfig fromEnv(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        int port = intValue(env, "GROVE_PORT", 8080, problems);
        int maxParallel = intValue(env, "GROVE_MAX_PARALLEL", 3, problems);
        if (maxParallel < 1) problems.add("GROVE_MAX_PARALLEL must be at least 1");
        Duration timeout = Duration.ofMinutes(30);
        try {
            if (env.get("GROVE_AGENT_TIMEOUT") != null) timeout = Durations.parse(env.get("GROVE_AGENT_TIMEOUT"));
        } catch (IllegalArgumentException e) {
            problems.add("GROVE_AGENT_TIMEOUT: " + e.getMessage());
        }
        String secret = env.get("GROVE_WEBHOOK_SECRET");
        if (secret == null || secret.isBlank()) {
            problems.add("GROVE_WEBHOOK_SECRET is not set: set it to the webhook secret you gave the App");
        }
        String appId = env.get("GROVE_APP_ID");
        if (appId == null || appId.isBlank()) {
            problems.add("GROVE_APP_ID is not set: set it to the App ID shown on the App's settings page");
        }
        String keyFile = env.get("GROVE_PRIVATE_KEY_FILE");
        if (keyFile == null || keyFile.isBlank()) {
            problems.add("GROVE_PRIVATE_KEY_FILE is not set: set it to the path of the App's private key (.pem)");
        } else if (!java.nio.file.Files.isReadable(Path.of(keyFile))) {
            problems.add("GROVE_PRIVATE_KEY_FILE names " + keyFile + ", which cannot be read");
        }
        AgentsFile.Agents agents = null;
        String agentsFile = env.get("GROVE_AGENTS_FILE");
        if (agentsFile != null && !agentsFile.isBlank()) {
            try {
                agents = AgentsFile.read(Path.of(agentsFile));
            } catch (AgentsFile.AgentsFileException e) {
                problems.add("GROVE_AGENTS_FILE: " + e.getMessage());
            }
        }
        Double issueUsd = null;
        String usd = env.get("GROVE_ISSUE_BUDGET_USD");
        if (usd != null && !usd.isBlank()) {
            try {
                issueUsd = Double.parseDouble(usd.trim());
                if (!(issueUsd > 0)) problems.add("GROVE_ISSUE_BUDGET_USD must be a number of dollars above 0, not '" + usd + "'");
            } catch (NumberFormatException e) {
                problems.add("GROVE_ISSUE_BUDGET_USD must be a number of dollars (e.g. 20), not '" + usd + "'");
            }
        }
        Duration issueTime = null;
        try {
            if (env.get("GROVE_ISSUE_AGENT_TIME") != null) issueTime = Durations.parse(env.get("GROVE_ISSUE_AGENT_TIME"));
        } catch (IllegalArgumentException e) {
            problems.add("GROVE_ISSUE_AGENT_TIME: " + e.getMessage());
        }
        GitHubClientSettings githubClient = githubClient(env, problems);
        int adminPort = intValue(env, "GROVE_ADMIN_PORT", 8081, problems);
        String adminBind = env.getOrDefault("GROVE_ADMIN_BIND", "127.0.0.1").trim();
        String adminToken = env.get("GROVE_ADMIN_TOKEN");
        if (adminToken != null && adminToken.isBlank()) adminToken = null;
        if (adminBind.isEmpty()) problems.add("GROVE_ADMIN_BIND is empty: leave it unset (127.0.0.1) or name an address");
        else if (!Admin.isLoopback(adminBind) && adminToken == null) {
            problems.add("GROVE_ADMIN_BIND is " + adminBind + ", which others can reach, and GROVE_ADMIN_TOKEN is not set: "
                    + "set GROVE_ADMIN_TOKEN to a long random value (the dashboard and /metrics then need "
                    + "`Authorization: Bearer <token>`), or bind the admin port to 127.0.0.1");
        } else if (adminToken != null && adminToken.length() < 16) {
            problems.add("GROVE_ADMIN_TOKEN is too short: use at least 16 random characters");
        }
        if (adminPort != 0 && adminPort == port) {
            problems.add("GROVE_ADMIN_PORT and GROVE_PORT are both " + port + ": the admin port must be another one");
        }
        Durability durability = new Durability(blankToNull(env.get("GROVE_DATABASE_URL")),
                duration(env, "GROVE_DRAIN_TIMEOUT", Durability.DEFAULTS.drainTimeout(), problems),
                duration(env, "GROVE_HEARTBEAT", Durability.DEFAULTS.heartbeat(), problems),
                duration(env, "GROVE_DELIVERY_RETENTION", Durability.DEFAULTS.deliveryRetention(), problems),
                intValue(env, "GROVE_JOB_ATTEMPTS", Durability.DEFAULTS.jobAttempts(), problems),
                duration(env, "GROVE_JOB_BACKOFF", Durability.DEFAULTS.jobBackoff(), problems));
        if (durability.jobAttempts() < 1) problems.add("GROVE_JOB_ATTEMPTS must be at least 1");
        if (durability.databaseUrl() != null && !durability.databaseUrl().startsWith("jdbc:postgresql:")) {
            problems.add("GROVE_DATABASE_URL must be a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://db.example:5432/grove?user=grove&password=...");
        }
        Duration commentInterval = Duration.ofSeconds(5);
        try {
            if (env.get("GROVE_COMMENT_INTERVAL") != null) {
                String ci = env.get("GROVE_COMMENT_INTERVAL").trim();
                // 0 (any unit) turns pacing off: every edit is written at once (the e2e flows assert each state)
                commentInterval = ci.matches("0+(ms|s|m|h)?") ? Duration.ZERO : Durations.parse(ci);
            }
        } catch (IllegalArgumentException e) {
            problems.add("GROVE_COMMENT_INTERVAL: " + e.getMessage());
        }
        Duration reviewBatch = duration(env, "GROVE_REVIEW_BATCH", DEFAULT_REVIEW_BATCH, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Grove cannot start:\n  - " + String.join("\n  - ", problems));
        }
        List<String> agentEnv = Arrays.stream(env.getOrDefault("GROVE_AGENT_ENV", "ANTHROPIC_API_KEY,ANTHROPIC_BASE_URL")
                .split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new AppConfig(port, secret, appId, Path.of(keyFile),
                stripSlash(env.getOrDefault("GROVE_GITHUB_API", "https://api.github.com")),
                Path.of(env.getOrDefault("GROVE_DATA_DIR", "./grove-data")),
                maxParallel,
                env.getOrDefault("GROVE_AGENT_COMMAND", DEFAULT_AGENT_COMMAND),
                timeout, agentEnv,
                env.getOrDefault("GROVE_TRIGGER_LABEL", "grove"),
                agents, new IssueBudget(issueUsd, issueTime), agentBaseEnv(env),
                githubClient, new Admin(adminPort, adminBind, adminToken), durability, commentInterval,
                reviewBatch);
    }

    /** GROVE_GITHUB_TIMEOUT, GROVE_GITHUB_RETRIES, GROVE_GITHUB_BACKOFF, GROVE_GITHUB_MAX_WAIT over the defaults. */
    private static GitHubClientSettings githubClient(Map<String, String> env, List<String> problems) {
        GitHubClientSettings d = GitHubClientSettings.DEFAULTS;
        Duration timeout = duration(env, "GROVE_GITHUB_TIMEOUT", d.timeout(), problems);
        Duration backoff = duration(env, "GROVE_GITHUB_BACKOFF", d.backoff(), problems);
        Duration maxWait = duration(env, "GROVE_GITHUB_MAX_WAIT", d.maxWait(), problems);
        int retries = intValue(env, "GROVE_GITHUB_RETRIES", d.retries(), problems);
        if (retries < 0 || retries > 20) {
            problems.add("GROVE_GITHUB_RETRIES must be between 0 and 20, not " + retries);
            retries = d.retries();
        }
        return new GitHubClientSettings(timeout, retries, backoff, d.maxBackoff(), maxWait);
    }

    private static Duration duration(Map<String, String> env, String name, Duration dflt, List<String> problems) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage());
            return dflt;
        }
    }

    /** Where agents' allowed variables come from: this process's environment, with the given settings on top. */
    private static Map<String, String> agentBaseEnv(Map<String, String> env) {
        Map<String, String> base = new java.util.HashMap<>(System.getenv());
        base.putAll(env);
        return Map.copyOf(base);
    }

    /** The agents this server offers: the agents file's, or one command agent from GROVE_AGENT_COMMAND. */
    public AgentCatalog agentCatalog() {
        return agents == null ? AgentCatalog.fromCommand(agentCommand, agentEnv, agentBaseEnv)
                : AgentCatalog.of(agents, agentBaseEnv);
    }

    /** Names of environment variables whose values are secrets (API keys, tokens, passwords). */
    private static final java.util.regex.Pattern SECRET_NAME =
            java.util.regex.Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH).*");

    /**
     * Every value Grove knows to be secret, for the redactor: the webhook secret, the App key's text, and the value of
     * every variable in Grove's environment whose name says it is a key, token, secret or password (agents' keys
     * such as {@code ANTHROPIC_API_KEY} included).
     */
    public List<String> secretValues() {
        List<String> values = new ArrayList<>();
        values.add(webhookSecret);
        try {
            values.add(java.nio.file.Files.readString(privateKeyFile));
        } catch (java.io.IOException | RuntimeException e) {
            // AppPrivateKey.read reports an unreadable key; the patterns still catch PEM blocks
        }
        agentBaseEnv.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).matches() && value != null) {
                values.add(value);
            }
        });
        return values;
    }

    private static int intValue(Map<String, String> env, String name, int dflt, List<String> problems) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, not '" + v + "'");
            return dflt;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "AppConfig[port=" + port + ", admin=" + admin.bind() + ":" + admin.port() + ", appId=" + appId + ", githubApi=" + githubApi + ", dataDir=" + dataDir
                + ", maxParallel=" + maxParallel + ", agentTimeout=" + agentTimeout
                + ", agents=" + (agents == null ? "[default: GROVE_AGENT_COMMAND]" : agents.agents().keySet()
                        + " (default " + agents.defaultName() + ")") + ", issueBudget=" + issueBudget
                + ", database=" + (durability.databaseUrl() == null ? "embedded in " + dataDir
                        : dev.grove.store.Database.redact(durability.databaseUrl())) + "]";
    }
}
