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
}
