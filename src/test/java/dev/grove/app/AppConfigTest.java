package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsApplyWhenOnlyTheSecretsAreSet() throws Exception {
        Path key = Files.writeString(tmp.resolve("app.pem"), "x");
        AppConfig c = AppConfig.fromEnv(Map.of("GROVE_WEBHOOK_SECRET", "s3cret", "GROVE_APP_ID", "42",
                "GROVE_PRIVATE_KEY_FILE", key.toString()));
        assertEquals(8080, c.port());
        assertEquals("https://api.github.com", c.githubApi());
        assertEquals(Path.of("./grove-data"), c.dataDir());
        assertEquals(3, c.maxParallel());
        assertEquals(Duration.ofMinutes(30), c.agentTimeout());
        assertEquals("grove", c.triggerLabel());
        assertEquals(List.of("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"), c.agentEnv());
        assertTrue(c.agentCommand().startsWith("claude"));
        assertFalse(c.toString().contains("s3cret"), "the secret is never printed");
        assertEquals(new AppConfig.Admin(8081, "127.0.0.1", null), c.admin());
    }

    @Test
    void theAdminPortOnAnAddressOthersCanReachNeedsAToken() throws Exception {
        Path key = Files.writeString(tmp.resolve("app.pem"), "x");
        Map<String, String> env = Map.of("GROVE_WEBHOOK_SECRET", "s3cret", "GROVE_APP_ID", "42",
                "GROVE_PRIVATE_KEY_FILE", key.toString(), "GROVE_ADMIN_BIND", "0.0.0.0", "GROVE_ADMIN_PORT", "9191");
        String m = assertThrows(IllegalArgumentException.class, () -> AppConfig.fromEnv(env)).getMessage();
        assertTrue(m.contains("GROVE_ADMIN_TOKEN is not set"), m);

        Map<String, String> withToken = new java.util.HashMap<>(env);
        withToken.put("GROVE_ADMIN_TOKEN", "an-admin-token-0123456789");
        AppConfig c = AppConfig.fromEnv(withToken);
        assertEquals(new AppConfig.Admin(9191, "0.0.0.0", "an-admin-token-0123456789"), c.admin());
        assertFalse(c.toString().contains("an-admin-token"), "the token is never printed");
        assertTrue(c.secretValues().contains("an-admin-token-0123456789"), "and never posted");
    }

    @Test
    void everyProblemIsNamedWithWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppConfig.fromEnv(Map.of(
                "GROVE_PORT", "eighty", "GROVE_AGENT_TIMEOUT", "soon", "GROVE_PRIVATE_KEY_FILE", "/nope/app.pem")));
        String m = e.getMessage();
        assertTrue(m.contains("GROVE_WEBHOOK_SECRET is not set"), m);
        assertTrue(m.contains("GROVE_APP_ID is not set"), m);
        assertTrue(m.contains("/nope/app.pem, which cannot be read"), m);
        assertTrue(m.contains("GROVE_PORT must be a whole number"), m);
        assertTrue(m.contains("GROVE_AGENT_TIMEOUT"), m);
    }

    @Test
    void readsEveryVariable() throws Exception {
        Path key = Files.writeString(tmp.resolve("app.pem"), "x");
        AppConfig c = AppConfig.fromEnv(Map.of("GROVE_WEBHOOK_SECRET", "s", "GROVE_APP_ID", "42",
                "GROVE_PRIVATE_KEY_FILE", key.toString(), "GROVE_PORT", "9000", "GROVE_GITHUB_API",
                "https://ghe.example.com/api/v3/", "GROVE_DATA_DIR", "/srv/grove", "GROVE_MAX_PARALLEL", "8",
                "GROVE_AGENT_COMMAND", "/opt/agent.sh", "GROVE_AGENT_TIMEOUT", "90s", "GROVE_AGENT_ENV", "A, B"));
        assertEquals(9000, c.port());
        assertEquals("https://ghe.example.com/api/v3", c.githubApi());
        assertEquals(Path.of("/srv/grove"), c.dataDir());
        assertEquals(8, c.maxParallel());
        assertEquals("/opt/agent.sh", c.agentCommand());
        assertEquals(Duration.ofSeconds(90), c.agentTimeout());
        assertEquals(List.of("A", "B"), c.agentEnv());
    }

    @Test
    void agentsFileAndIssueBudgets() throws Exception {
        Path key = Files.writeString(tmp.resolve("app.pem"), "x");
        Path agents = Files.writeString(tmp.resolve("agents.yml"), "default: s\nagents:\n  s: {kind: command, command: /bin/true}\n"
                + "  c: {kind: claude-code, env: [ANTHROPIC_API_KEY]}\n");
        AppConfig c = AppConfig.fromEnv(Map.of("GROVE_WEBHOOK_SECRET", "s3cret", "GROVE_APP_ID", "42",
                "GROVE_PRIVATE_KEY_FILE", key.toString(), "GROVE_AGENTS_FILE", agents.toString(),
                "GROVE_ISSUE_BUDGET_USD", "20", "GROVE_ISSUE_AGENT_TIME", "2h"));
        assertEquals(java.util.Set.of("s", "c"), c.agentCatalog().names());
        assertEquals("s", c.agentCatalog().defaultName());
        assertEquals(20.0, c.issueBudget().maxUsd());
        assertEquals(Duration.ofHours(2), c.issueBudget().maxAgentTime());
        assertFalse(c.toString().contains("s3cret"), c.toString());

        AppConfig plain = AppConfig.fromEnv(Map.of("GROVE_WEBHOOK_SECRET", "s3cret", "GROVE_APP_ID", "42",
                "GROVE_PRIVATE_KEY_FILE", key.toString()));
        assertEquals(java.util.Set.of("default"), plain.agentCatalog().names(), "without a file: GROVE_AGENT_COMMAND");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppConfig.fromEnv(Map.of(
                "GROVE_WEBHOOK_SECRET", "s", "GROVE_APP_ID", "42", "GROVE_PRIVATE_KEY_FILE", key.toString(),
                "GROVE_ISSUE_BUDGET_USD", "lots", "GROVE_ISSUE_AGENT_TIME", "forever",
                "GROVE_AGENTS_FILE", tmp.resolve("missing.yml").toString())));
        assertTrue(e.getMessage().contains("GROVE_ISSUE_BUDGET_USD must be a number of dollars"), e.getMessage());
        assertTrue(e.getMessage().contains("GROVE_ISSUE_AGENT_TIME"), e.getMessage());
        assertTrue(e.getMessage().contains("missing.yml, which cannot be read"), e.getMessage());
    }
}
