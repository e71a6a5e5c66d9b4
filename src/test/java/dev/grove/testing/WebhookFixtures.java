package dev.grove.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.webhook.SignatureVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * GitHub's published webhook payloads (octokit/webhooks, see shared/webhooks/SOURCE.md), adjusted only in the
 * repository, issue, label, sender and installation fields, and sent over HTTP the way GitHub sends them.
 */
public final class WebhookFixtures {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WebhookFixtures() {
    }

    /** The shared folder: {@code -Dgrove.shared.dir}, else {@code ../shared} beside the checkout. */
    public static Path sharedDir() {
        String p = System.getProperty("grove.shared.dir");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.dir")).resolve("../shared").normalize();
    }

    /** A payload file from {@code webhooks/payloads/}, e.g. {@code issues.labeled}. */
    public static ObjectNode payload(String name) {
        try {
            return (ObjectNode) JSON.readTree(sharedDir().resolve("webhooks/payloads/" + name + ".json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's {@code issues.labeled} example, pointed at a repository, an issue and an installation. */
    public static ObjectNode issuesLabeled(String fullName, String cloneUrl, int issue, String title, String body,
            String label, long installationId) {
        ObjectNode p = payload("issues.labeled");
        ObjectNode repo = (ObjectNode) p.get("repository");
        repo.put("full_name", fullName);
        repo.put("name", fullName.substring(fullName.indexOf('/') + 1));
        ((ObjectNode) repo.get("owner")).put("login", fullName.substring(0, fullName.indexOf('/')));
        repo.put("clone_url", cloneUrl);
        repo.put("default_branch", "main");
        ObjectNode is = (ObjectNode) p.get("issue");
        is.put("number", issue);
        is.put("title", title);
        is.put("body", body);
        ((ObjectNode) p.get("label")).put("name", label);
        p.putObject("installation").put("id", installationId).put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==");
        return p;
    }

    /**
     * The payload as GitHub would send it for the {@code n}th event: the acted-on objects' {@code updated_at} (and a
     * review's {@code submitted_at}) set to a time of its own. Two events GitHub sends never have the same body, and
     * Grove ignores a body it has already handled (a replay under a new delivery id).
     */
    public static ObjectNode fresh(ObjectNode payload, int n) {
        String at = java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n).toString();
        for (String field : new String[] {"issue", "comment", "pull_request", "check_run"}) {
            if (payload.get(field) instanceof ObjectNode o) {
                o.put(field.equals("check_run") ? "started_at" : "updated_at", at);
            }
        }
        if (payload.get("review") instanceof ObjectNode review) {
            review.put("submitted_at", at);
        }
        return payload;
    }

    public static byte[] bytes(ObjectNode payload) {
        try {
            return JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POSTs a delivery to {@code base/webhook}, signed with {@code secret} (null: no signature header). */
    public static HttpResponse<String> deliver(URI base, String event, String delivery, byte[] body, String secret)
            throws IOException, InterruptedException {
        return deliverWithSignature(base, event, delivery, body, secret == null ? null : new SignatureVerifier(secret).sign(body));
    }

    public static HttpResponse<String> deliverWithSignature(URI base, String event, String delivery, byte[] body,
            String signatureHeader) throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(base.resolve("/webhook"))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/test")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (event != null) rb.header("X-GitHub-Event", event);
        if (delivery != null) rb.header("X-GitHub-Delivery", delivery);
        if (signatureHeader != null) rb.header("X-Hub-Signature-256", signatureHeader);
        return HTTP.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    }
}
