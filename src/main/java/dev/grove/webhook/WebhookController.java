package dev.grove.webhook;

import dev.grove.queue.LogContext;

import dev.grove.queue.WebhookEvent;

import dev.grove.queue.EventRouter;

import dev.grove.queue.Routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.queue.Delivery;
import dev.grove.queue.JobQueue;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /webhook}: verify, record, enqueue, answer. Checks in a fixed order and fails early:
 * signature (401), event header and JSON (400), ping (200), routing (202 ignored with the reason), then the job
 * queue records the delivery with its job (202 queued; 200 ignored for a redelivery or a replayed body). No GitHub
 * call and no git happen here.
 */
public final class WebhookController {
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    /** GitHub caps webhook payloads at 25 MB (the webhook server's request limit; Javalin's default is far smaller). */
    public static final long MAX_PAYLOAD_BYTES = 25L * 1024 * 1024;

    private final SignatureVerifier verifier;
    private final EventRouter router;
    private final JobQueue queue;
    private final ObjectMapper json = new ObjectMapper();

    public WebhookController(SignatureVerifier verifier, EventRouter router, JobQueue queue) {
        this.verifier = verifier;
        this.router = router;
        this.queue = queue;
    }

    public void handle(Context ctx) {
        try {
            intake(ctx);
        } finally {
            MDC.clear();
        }
    }

    private void intake(Context ctx) {
        byte[] body;
        try {
            body = body(ctx);
        } catch (IOException e) {
            answer(ctx, 400, "error", "the body could not be read: " + e.getMessage());
            return;
        }
        if (!verifier.matches(body, ctx.header("X-Hub-Signature-256"))) {
            log.warn("rejected a delivery with a missing or wrong signature from {}", ctx.ip());
            answer(ctx, 401, "error", "signature missing or wrong: X-Hub-Signature-256 must be the HMAC-SHA256 "
                    + "of the body with the App's webhook secret (GROVE_WEBHOOK_SECRET)");
            return;
        }
        String event = ctx.header("X-GitHub-Event");
        String delivery = ctx.header("X-GitHub-Delivery");
        if (delivery != null && !delivery.isBlank()) MDC.put(LogContext.DELIVERY, delivery);
        if (event == null || event.isBlank() || delivery == null || delivery.isBlank()) {
            answer(ctx, 400, "error", "X-GitHub-Event and X-GitHub-Delivery headers are required");
            return;
        }
        JsonNode payload;
        try {
            payload = json.readTree(body);
        } catch (JsonProcessingException e) {
            answer(ctx, 400, "error", "the body is not valid JSON: " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            answer(ctx, 400, "error", "the body could not be read: " + e.getMessage());
            return;
        }
        if (payload == null || !payload.isObject()) {
            answer(ctx, 400, "error", "the body is not a JSON object");
            return;
        }
        if (event.equals("ping")) {
            answer(ctx, 200, "status", "pong");
            return;
        }
        String repository = payload.path("repository").path("full_name").asText("");
        if (!repository.isEmpty()) MDC.put(LogContext.REPOSITORY, repository);
        JsonNode number = payload.path("issue").path("number").isMissingNode()
                ? payload.path("pull_request").path("number") : payload.path("issue").path("number");
        if (number.canConvertToInt()) MDC.put(LogContext.ISSUE, number.asText());
        WebhookEvent we = new WebhookEvent(event, payload.path("action").asText(""), delivery, payload);
        Routing routing = router.route(we);
        if (routing instanceof Routing.Enqueue enqueue) {
            JobQueue.Admission admission = queue.submit(new Delivery(delivery, event, body), enqueue);
            switch (admission) {
                case QUEUED -> {
                    log.info("delivery {} ({}): queued {}", delivery, we.qualifiedName(), enqueue.description());
                    answer(ctx, 202, "status", "queued: " + enqueue.description());
                }
                case ALREADY_HANDLED -> {
                    log.info("delivery {} ({}) was seen before; ignored", delivery, event);
                    answer(ctx, 200, "status", "delivery " + delivery + " was already handled; ignored");
                }
                case REPLAY -> {
                    log.info("delivery {} ({}) repeats the body of a delivery already handled; ignored", delivery, event);
                    answer(ctx, 200, "status", "delivery " + delivery
                            + " repeats a delivery that was already handled (same body); ignored");
                }
            }
        } else if (routing instanceof Routing.Ignore ignore) {
            log.info("delivery {} ({}): ignored: {}", delivery, we.qualifiedName(), ignore.reason());
            answer(ctx, 202, "status", "ignored: " + ignore.reason());
        }
    }

    /**
     * The body as sent. With a {@code Content-Length} within Javalin's limit it is read straight into an array of
     * that length: Javalin's own reading grows a buffer and copies it out again, about three times the body in
     * garbage per delivery, which made the young collections that decide intake's p99 come more often
     * (bench/RESULTS.md). Without one (chunked), or over the limit (413), Javalin reads it.
     */
    private static byte[] body(Context ctx) throws IOException {
        long length = ctx.req().getContentLengthLong();
        if (length < 0 || length > MAX_PAYLOAD_BYTES) return ctx.bodyAsBytes();
        byte[] body = new byte[(int) length];
        int read = ctx.req().getInputStream().readNBytes(body, 0, body.length);
        if (read < body.length) {
            throw new IOException("the connection ended after " + read + " of " + length + " bytes");
        }
        return body;
    }

    /**
     * A small JSON answer, written to the response at once: a result handed to Javalin is copied out through a new
     * 8 KB buffer per request.
     */
    private void answer(Context ctx, int status, String key, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(key, message);
        try {
            byte[] out = json.writeValueAsBytes(m);
            ctx.status(status).contentType("application/json");
            // no Content-Length of our own: with it Jetty sends the answer as the last byte is written, before the
            // handler returns and the delivery is counted (GroveMetricsTest saw the count missing); Jetty sets it
            // when the handler ends, from what it holds
            ctx.res().getOutputStream().write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
