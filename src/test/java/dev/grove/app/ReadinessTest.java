package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.agent.AgentDefinition;
import dev.grove.metrics.GroveMetrics;
import dev.grove.store.FileStateStore;
import dev.grove.store.StateStore;
import java.lang.reflect.Proxy;
import dev.grove.queue.EventRouter;
import dev.grove.webhook.SignatureVerifier;
import dev.grove.queue.JobQueue;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessTest {
    @TempDir
    Path tmp;

    @Test
    void readyzIs503NamingTheFailedCheckUntilAllPass() throws Exception {
        AtomicBoolean dbDown = new AtomicBoolean(true);
        Path dataDir = tmp.resolve("data");
        Files.writeString(dataDir, "a file where the data folder should be");
        Path agent = tmp.resolve("bin/my-agent");
        Readiness readiness = new Readiness(List.of(
                new Readiness.Check("database", () -> dbDown.get()
                        ? Optional.of("connection refused") : Optional.empty()),
                Readiness.dataDir(dataDir),
                Readiness.agent(AgentDefinition.command("default", "my-agent --fast", List.of(), null),
                        tmp.resolve("bin").toString())));
        WebhookController webhook = new WebhookController(new SignatureVerifier("s"), new EventRouter(Map.of()),
                JobQueue.recording(new FileStateStore(tmp.resolve("state.json")), (d, j) -> { }));
        Javalin http = HttpServer.start(webhook, new GroveMetrics(), readiness, 0);
        try {
            JsonNode r = readyz(http, 503);
            assertEquals("connection refused", r.path("checks").path("database").asText());
            assertTrue(r.path("checks").path("data_dir").asText().contains("GROVE_DATA_DIR"), r.toString());
            assertTrue(r.path("checks").path("agent").asText().contains("'my-agent', which is not on the PATH"),
                    r.toString());

            dbDown.set(false);
            Files.delete(dataDir);
            Files.createDirectories(agent.getParent());
            Files.writeString(agent, "#!/bin/sh\n");
            assertTrue(readyz(http, 503).path("checks").path("agent").asText().contains("my-agent"),
                    "a file that cannot be executed does not count");
            Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
            JsonNode ok = readyz(http, 200);
            assertEquals("ready", ok.path("status").asText());
            for (String check : List.of("database", "data_dir", "agent")) {
                assertEquals("ok", ok.path("checks").path(check).asText(), ok.toString());
            }
        } finally {
            http.stop();
        }
    }

    @Test
    void theDatabaseCheckFailsWhenTheStoreCannotBeRead() {
        StateStore broken = (StateStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("the state cannot be read: disk gone");
                });
        Readiness.Result r = new Readiness(List.of(Readiness.database(broken))).check();
        assertFalse(r.ready());
        assertEquals("the state cannot be read: disk gone", r.checks().get("database"));
        assertTrue(new Readiness(List.of(Readiness.database(new FileStateStore(tmp.resolve("s.json"))))).check()
                .ready());
    }

    @Test
    void anAbsoluteAgentPathMustBeExecutableAndInProcessAgentsNeedNothing() throws Exception {
        Path cli = Files.writeString(tmp.resolve("claude"), "#!/bin/sh\n");
        AgentDefinition claude = AgentDefinition.command("x", cli + " -p", List.of(), null);
        assertTrue(Readiness.agent(claude, "").problem().get().isPresent());
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.empty(), Readiness.agent(claude, "").problem().get());
        assertEquals(Optional.empty(), Readiness.agent(
                AgentDefinition.command("default", "(in-process)", List.of(), null), "").problem().get());
    }

    private static JsonNode readyz(Javalin http, int status) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + http.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
