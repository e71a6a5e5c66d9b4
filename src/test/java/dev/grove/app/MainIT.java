package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.testing.WebhookFixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grove serve} run as its own process: startup errors, log formats, and the readiness probe. */
class MainIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "main-it-secret";
    @TempDir
    Path tmp;

    @Test
    void missingSettingsAreOneSentenceNamingEachVariableWithATimestamp() throws Exception {
        Run r = runToEnd(Map.of("GROVE_DATA_DIR", tmp.toString()), "serve");
        assertEquals(2, r.exit, r.err);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), r.err);
        String line = lines.get(0);
        assertTrue(line.matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) ERROR .*"), line);
        for (String v : List.of("GROVE_WEBHOOK_SECRET", "GROVE_APP_ID", "GROVE_PRIVATE_KEY_FILE")) {
            assertTrue(line.contains(v + " is not set"), line);
        }
    }

    @Test
    void aBadPemFileNamesGrovePrivateKeyFileWithoutAStackTrace() throws Exception {
        Map<String, String> env = settings(Files.writeString(tmp.resolve("app.pem"), "not a key\n"));
        env.put("GROVE_PORT", "0");
        Run r = runToEnd(env, "serve");
        assertEquals(2, r.exit, r.err);
        assertEquals(1, r.errLines().size(), r.err);
        assertTrue(r.err.contains("Grove cannot start: GROVE_PRIVATE_KEY_FILE " + tmp.resolve("app.pem")), r.err);
        assertFalse(r.err.contains("\tat ") || r.err.contains("Exception"), r.err);
    }

    @Test
    void aBusyPortNamesGrovePortWithoutAStackTrace() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            Map<String, String> env = settings(key());
            env.put("GROVE_PORT", String.valueOf(busy.getLocalPort()));
            Run r = runToEnd(env, "serve");
            assertEquals(2, r.exit, r.err);
            assertTrue(r.err.contains("port " + busy.getLocalPort() + " is already in use; set GROVE_PORT"), r.err);
            assertFalse(r.err.contains("\tat ") || r.err.contains("Exception"), r.err);
        }
    }

    @Test
    void versionIsThePomsVersion() throws Exception {
        Run r = runToEnd(Map.of(), "--version");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.strip().matches("grove \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r.out);
        assertEquals("grove " + Main.version(), r.out.strip());
    }

    @Test
    void jsonLogsCarryTheDeliveryRepositoryAndIssueAndReadyzNamesTheMissingAgent() throws Exception {
        Map<String, String> env = settings(key());
        env.put("GROVE_PORT", "0");
        env.put("GROVE_LOG_FORMAT", "json");
        env.put("GROVE_GITHUB_API", "http://127.0.0.1:9"); // nothing answers: the run fails, and logs it
        env.put("GROVE_AGENT_COMMAND", tmp.resolve("no-such-agent").toString() + " --flag");
        Serving server = serving(env);
        StringBuilder err = server.err();
        try {
            int port = awaitPort(err);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode checks = JSON.readTree(ready.body()).path("checks");
            assertEquals("ok", checks.path("database").asText(), ready.body());
            assertEquals("ok", checks.path("data_dir").asText(), ready.body());
            assertTrue(checks.path("agent").asText().contains("no-such-agent"), ready.body());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled("octo/shop", "file:///nowhere", 7,
                    "Title", "- [ ] one", "grove", 42));
            assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + port), "issues",
                    "d-json-1", body, SECRET).statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean jobLine = false;
            while (!jobLine && System.nanoTime() < deadline) {
                Thread.sleep(100);
                synchronized (err) {
                    for (String l : err.toString().split("\n")) {
                        JsonNode j = JSON.readTree(l);
                        // the queue's worker thread says it takes up the delivery's job (a label is admitted on the
                        // short lane first), and knows the delivery
                        jobLine |= j.path("message").asText().startsWith("delivery d-json-1: admitting")
                                && j.path("thread").asText().startsWith("db-scheduler")
                                && "d-json-1".equals(j.path("delivery").asText())
                                && "octo/shop".equals(j.path("repository").asText());
                    }
                }
            }
            String all;
            synchronized (err) {
                all = err.toString();
            }
            assertTrue(jobLine, "a line from the job's own thread carries the delivery: " + all);
            boolean intake = false;
            for (String l : all.split("\n")) {
                JsonNode j = JSON.readTree(l); // every line is one JSON object
                for (String f : List.of("timestamp", "level", "logger", "message")) {
                    assertTrue(j.hasNonNull(f), f + " in " + l);
                }
                intake |= j.path("message").asText().contains("queued") && "d-json-1".equals(j.path("delivery").asText())
                        && "octo/shop".equals(j.path("repository").asText()) && "7".equals(j.path("issue").asText());
            }
            assertTrue(intake, "the intake line names delivery, repository and issue: " + all);
        } finally {
            server.stop(false);
        }
    }

    @Test
    void aSecondProcessInTheSameDataFolderIsRefusedAndTheFolderIsFreeOnceTheFirstIsKilled() throws Exception {
        Map<String, String> env = settings(key());
        env.put("GROVE_PORT", "0");
        env.put("GROVE_ADMIN_PORT", "0");
        Serving first = serving(env);
        try {
            awaitPort(first.err());
            Run second = runToEnd(env, "serve");
            assertEquals(2, second.exit, second.err);
            assertTrue(second.err.contains("Grove cannot start: GROVE_DATA_DIR " + tmp.resolve("data")
                    + " is in use by another Grove process"), second.err);
            assertEquals(1, second.errLines().size(), second.err);
        } finally {
            first.stop(true); // kill -9: the OS lets the lock go
        }
        Serving third = serving(env);
        try {
            awaitPort(third.err()); // starts in the folder the killed one held
        } finally {
            third.stop(false);
        }
    }

    /** {@code grove serve} running, its standard error read into {@code err} as it comes. */
    private record Serving(Process process, StringBuilder err, Thread reader) {
        void stop(boolean kill) throws InterruptedException {
            if (kill) process.destroyForcibly(); else process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
        }
    }

    private Serving serving(Map<String, String> env) throws IOException {
        Process p = start(env, "serve");
        StringBuilder err = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = p.errorReader(StandardCharsets.UTF_8)) {
                for (String l; (l = in.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(l).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        return new Serving(p, err, reader);
    }

    private static int awaitPort(StringBuilder err) throws InterruptedException {
        Pattern port = Pattern.compile("listening on port (\\d+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (err) {
                Matcher m = port.matcher(err);
                if (m.find()) return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no port in " + err);
    }

    private Map<String, String> settings(Path key) {
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "123");
        env.put("GROVE_PRIVATE_KEY_FILE", key.toString());
        env.put("GROVE_DATA_DIR", tmp.resolve("data").toString());
        return env;
    }

    private Path key() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(tmp.resolve("key.pem"), pem);
    }

    private record Run(int exit, String out, String err) {
        List<String> errLines() {
            List<String> l = new ArrayList<>();
            for (String s : err.split("\n")) if (!s.isBlank()) l.add(s);
            return l;
        }
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the production log configuration, not the tests' logback-test.xml
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().put("HOME", tmp.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private Run runToEnd(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
