package dev.grove.app;

import dev.grove.report.Durations;
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
        String triggerLabel) {

    public static final String DEFAULT_AGENT_COMMAND = "claude -p --permission-mode acceptEdits";

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
                env.getOrDefault("GROVE_TRIGGER_LABEL", "grove"));
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

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "AppConfig[port=" + port + ", appId=" + appId + ", githubApi=" + githubApi + ", dataDir=" + dataDir
                + ", maxParallel=" + maxParallel + ", agentTimeout=" + agentTimeout + "]";
    }
}
