package dev.grove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {
    @Test
    void aHostAloneAllowsHttpsAndHttpPortsOnly() {
        NetworkPolicy p = NetworkPolicy.allow(List.of("API.Anthropic.com"));
        assertTrue(p.allows("api.anthropic.com", 443));
        assertTrue(p.allows("api.anthropic.com", 80));
        assertFalse(p.allows("api.anthropic.com", 22));
        assertFalse(p.allows("evil.example", 443));
        assertFalse(p.allows("api.anthropic.com.evil.example", 443));
    }

    @Test
    void aHostWithAPortAllowsThatPortOnly() {
        NetworkPolicy p = NetworkPolicy.allow(List.of("127.0.0.1:8089"));
        assertTrue(p.allows("127.0.0.1", 8089));
        assertFalse(p.allows("127.0.0.1", 443));
        assertFalse(p.allows("127.0.0.1", 8090));
    }

    @Test
    void noneAllowsNothingAndOpenEverything() {
        assertFalse(NetworkPolicy.none().allows("api.anthropic.com", 443));
        assertTrue(NetworkPolicy.open().allows("anything.example", 25));
    }

    @Test
    void theDefaultIsTheAnthropicApiOrTheBaseUrlsHost() {
        assertEquals(List.of("api.anthropic.com"), NetworkPolicy.anthropicDefault(null).allow());
        assertEquals(List.of("127.0.0.1:4010"), NetworkPolicy.anthropicDefault("http://127.0.0.1:4010").allow());
        assertEquals(List.of("llm.corp.example:443"), NetworkPolicy.anthropicDefault("https://llm.corp.example/v1").allow());
        assertEquals(NetworkPolicy.Mode.ALLOW, NetworkPolicy.anthropicDefault(null).mode());
    }

    @Test
    void settingsRefuseToShowTheDataFolderTheKeyOrGrovesHome() {
        Path home = Path.of(System.getProperty("user.home"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SandboxSettings.fromEnv(
                Map.of("GROVE_SANDBOX_RO_BIND", "/srv/grove-data/cache", "GROVE_DATA_DIR", "/srv/grove-data"),
                List.of()));
        assertTrue(e.getMessage().contains("/srv/grove-data"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SandboxSettings.fromEnv(
                Map.of("GROVE_SANDBOX_BIND", home.toString()), List.of()));
        assertThrows(IllegalArgumentException.class, () -> SandboxSettings.fromEnv(
                Map.of("GROVE_SANDBOX_BIND", "/"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> SandboxSettings.fromEnv(Map.of("GROVE_SANDBOX", "maybe"),
                List.of()));
        SandboxSettings ok = SandboxSettings.fromEnv(Map.of("GROVE_SANDBOX_RO_BIND", home.resolve(".m2").toString(),
                "GROVE_SANDBOX_MEMORY", "512m"), List.of());
        assertEquals(512L << 20, ok.memoryBytes());
        assertEquals(List.of(home.resolve(".m2")), ok.readOnlyBinds());
        assertFalse(SandboxSettings.fromEnv(Map.of("GROVE_SANDBOX", "off"), List.of()).enabled());
    }
}
