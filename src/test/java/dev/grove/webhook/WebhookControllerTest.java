package dev.grove.webhook;

import dev.grove.queue.EventRouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.app.HttpServer;
import dev.grove.command.Triggers;
import dev.grove.model.RunRequest;
import dev.grove.queue.JobQueue;
import dev.grove.store.FileStateStore;
import dev.grove.testing.WebhookFixtures;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook endpoint over HTTP with GitHub's payloads: what it answers, and what it enqueues (nothing, mostly). */
class WebhookControllerTest {
    static final String SECRET = "test-secret";
    @TempDir
    Path tmp;
    Javalin http;
    URI base;
    final List<String> queued = new ArrayList<>();
    final List<Triggers.Label> labels = new ArrayList<>();

    @BeforeEach
    void start() {
        JobQueue inline = JobQueue.recording(new FileStateStore(tmp.resolve("state.json")), (description, job) -> {
            queued.add(description);
            job.run();
        });
        EventRouter router = new EventRouter(Map.of("issues.labeled", new LabelTriggerHandler(labels::add)));
        http = HttpServer.start(new WebhookController(new SignatureVerifier(SECRET), router, inline), 0);
        base = URI.create("http://localhost:" + http.port());
    }

    @AfterEach
    void stop() {
        http.stop();
    }

    static byte[] labeled(String label) {
        return WebhookFixtures.bytes(WebhookFixtures.issuesLabeled("octo/shop", "file:///nowhere", 7, "Title",
                "- [ ] one", label, 42));
    }

    @Test
    void queuesARunForTheTriggerLabelWithThePayloadsFacts() throws Exception {
        HttpResponse<String> r = WebhookFixtures.deliver(base, "issues", "d-1", labeled("grove"), SECRET);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length),
                r.headers().firstValue("Content-Length").orElse("none"), "a whole answer, not chunked");
        assertEquals(List.of("label 'grove' on octo/shop#7"), queued);
        assertEquals("grove", labels.get(0).label(), "which label starts a run is the repository's config's call");
        RunRequest run = labels.get(0).req();
        assertEquals("octo/shop", run.repo().fullName());
        assertEquals(7, run.issueNumber());
        assertEquals(42, run.installationId());
        assertEquals("Codertocat", run.requestedBy());
        assertEquals("file:///nowhere", run.cloneUrl());
        assertEquals("main", run.defaultBranch());
        assertEquals("- [ ] one", run.issueBody());
    }

    @Test
    void unsignedOrWronglySignedDeliveriesAre401AndStartNothing() throws Exception {
        byte[] body = labeled("grove");
        assertEquals(401, WebhookFixtures.deliver(base, "issues", "d-2", body, null).statusCode());
        assertEquals(401, WebhookFixtures.deliver(base, "issues", "d-3", body, "wrong-secret").statusCode());
        assertEquals(401, WebhookFixtures.deliverWithSignature(base, "issues", "d-4", body, "sha256=").statusCode());
        assertTrue(queued.isEmpty());
    }

    @Test
    void truncatedBodiesAreRefused() throws Exception {
        byte[] body = labeled("grove");
        byte[] cut = Arrays.copyOf(body, body.length / 2);
        // cut after signing: the signature no longer matches
        String sigOfWhole = new SignatureVerifier(SECRET).sign(body);
        assertEquals(401, WebhookFixtures.deliverWithSignature(base, "issues", "d-5", cut, sigOfWhole).statusCode());
        // cut before signing: signed, but not JSON
        HttpResponse<String> r = WebhookFixtures.deliver(base, "issues", "d-6", cut, SECRET);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("not valid JSON"), r.body());
        assertTrue(queued.isEmpty());
    }

    /** Sends {@code head} and {@code body} on a socket of its own, ends the sending side, and reads the whole answer. */
    String raw(String head, byte[] body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", http.port())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String headers(String delivery, byte[] signed) {
        return "X-GitHub-Event: issues\r\nX-GitHub-Delivery: " + delivery + "\r\nX-Hub-Signature-256: "
                + new SignatureVerifier(SECRET).sign(signed) + "\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\n";
    }

    @Test
    void aChunkedBodyIsReadWhole() throws Exception {
        byte[] body = labeled("grove");
        String chunked = Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.UTF_8)
                + "\r\n0\r\n\r\n";
        String answer = raw("POST /webhook HTTP/1.1\r\nHost: localhost\r\n" + headers("d-chunked", body)
                + "Transfer-Encoding: chunked\r\n\r\n", chunked.getBytes(StandardCharsets.UTF_8));
        assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
        assertEquals(List.of("label 'grove' on octo/shop#7"), queued);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsRefused() throws Exception {
        byte[] body = labeled("grove");
        String answer = raw("POST /webhook HTTP/1.1\r\nHost: localhost\r\n" + headers("d-short", body)
                + "Content-Length: " + body.length + "\r\n\r\n", Arrays.copyOf(body, body.length - 100));
        assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(queued.isEmpty());
    }

    @Test
    void aBodyOverGitHubsLimitIs413() throws Exception {
        byte[] big = new byte[(int) WebhookController.MAX_PAYLOAD_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", http.port())) {
            socket.setSoTimeout(30_000);
            Thread sender = new Thread(() -> {
                try {
                    java.io.OutputStream out = socket.getOutputStream();
                    out.write(("POST /webhook HTTP/1.1\r\nHost: localhost\r\n" + headers("d-big", big)
                            + "Content-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(big);
                    out.flush();
                } catch (java.io.IOException refused) {
                    // the server may answer and close before all of it is sent
                }
            });
            sender.start();
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.UTF_8);
            assertEquals("HTTP/1.1 413", answer);
            sender.join(30_000);
        }
        assertTrue(queued.isEmpty());
    }

    @Test
    void nonJsonIs400() throws Exception {
        byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, WebhookFixtures.deliver(base, "issues", "d-7", body, SECRET).statusCode());
        assertEquals(400, WebhookFixtures.deliver(base, "issues", "d-8", "[1,2]".getBytes(StandardCharsets.UTF_8), SECRET).statusCode());
        assertTrue(queued.isEmpty());
    }

    @Test
    void missingEventOrDeliveryHeaderIs400() throws Exception {
        assertEquals(400, WebhookFixtures.deliver(base, null, "d-9", labeled("grove"), SECRET).statusCode());
        assertEquals(400, WebhookFixtures.deliver(base, "issues", null, labeled("grove"), SECRET).statusCode());
        assertTrue(queued.isEmpty());
    }

    @Test
    void pingIs200() throws Exception {
        byte[] ping = WebhookFixtures.bytes(WebhookFixtures.payload("ping"));
        HttpResponse<String> r = WebhookFixtures.deliver(base, "ping", "d-10", ping, SECRET);
        assertEquals(200, r.statusCode());
        assertTrue(queued.isEmpty());
    }

    @Test
    void eventsGroveDoesNotHandleAre202AndIgnored() throws Exception {
        byte[] push = WebhookFixtures.bytes(WebhookFixtures.payload("push"));
        HttpResponse<String> r = WebhookFixtures.deliver(base, "push", "d-11", push, SECRET);
        assertEquals(202, r.statusCode());
        assertTrue(r.body().contains("ignored"), r.body());
        byte[] opened = WebhookFixtures.bytes(WebhookFixtures.payload("issues.opened"));
        assertEquals(202, WebhookFixtures.deliver(base, "issues", "d-12", opened, SECRET).statusCode());
        assertTrue(queued.isEmpty());
    }

    @Test
    void botSendersAreNeverObeyed() throws Exception {
        ObjectNode p = WebhookFixtures.issuesLabeled("octo/shop", "file:///x", 7, "T", "", "grove", 42);
        ((ObjectNode) p.get("sender")).put("login", "grove[bot]").put("type", "Bot");
        HttpResponse<String> r = WebhookFixtures.deliver(base, "issues", "d-14", WebhookFixtures.bytes(p), SECRET);
        assertEquals(202, r.statusCode());
        assertTrue(r.body().contains("bot"), r.body());
        assertTrue(queued.isEmpty());
    }

    @Test
    void aLabelOnAPullRequestStartsNothing() throws Exception {
        ObjectNode p = WebhookFixtures.issuesLabeled("octo/shop", "file:///x", 7, "T", "", "grove", 42);
        ((ObjectNode) p.get("issue")).putObject("pull_request").put("url", "https://api.github.com/repos/octo/shop/pulls/7");
        assertEquals(202, WebhookFixtures.deliver(base, "issues", "d-15", WebhookFixtures.bytes(p), SECRET).statusCode());
        assertTrue(queued.isEmpty());
    }

    @Test
    void aRedeliveredDeliveryIsActedOnOnce() throws Exception {
        byte[] body = labeled("grove");
        assertEquals(202, WebhookFixtures.deliver(base, "issues", "same-id", body, SECRET).statusCode());
        HttpResponse<String> again = WebhookFixtures.deliver(base, "issues", "same-id", body, SECRET);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("already handled"), again.body());
        assertEquals(1, queued.size());
        assertEquals(1, labels.size());
    }

    @Test
    void healthz() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
    }
}
