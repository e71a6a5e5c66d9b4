package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** app-manifest.yml asks for what Grove uses, no more; the one {@code grove setup} posts is the same file. */
class AppManifestTest {
    @Test
    void subscribesOnlyToHandledEventsAndLeavesWorkflowsWriteOptIn() throws Exception {
        JsonNode m = new YAMLMapper().readTree(Files.readString(Path.of("app-manifest.yml")));
        Set<String> events = new TreeSet<>();
        m.path("default_events").forEach(e -> events.add(e.asText()));
        assertEquals(new TreeSet<>(Set.of("issues", "issue_comment", "pull_request", "pull_request_review",
                "pull_request_review_comment", "check_run", "check_suite")), events,
                "each event is one Grove handles (GroveServer's router), and each one it handles is asked for");
        assertFalse(m.path("default_permissions").has("workflows"), "workflows: write only when a repository needs it");
        assertTrue(Files.readString(Path.of("app-manifest.yml")).contains("# workflows: write"),
                "the opt-in line is there to uncomment");
        assertEquals(Map.of("contents", "write", "pull_requests", "write", "issues", "write", "checks", "write",
                "actions", "read", "metadata", "read"), new YAMLMapper().convertValue(m.path("default_permissions"), Map.class));
        assertEquals(m, Setup.manifest(Map.of()), "setup posts this file");
    }
}
