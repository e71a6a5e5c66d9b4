package dev.grove.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.testing.WebhookFixtures;
import dev.grove.webhook.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Signed deliveries whose bodies all differ, as GitHub's do: Grove ignores a body it has already recorded (a replay
 * under a new delivery id), so a benchmark of durable intake must never send one body twice. One JSON string field
 * of the payload is set to a fixed-width placeholder; each body is a copy with the placeholder's digits set to its
 * number, so making one costs an array copy and an HMAC, not a JSON serialisation (the load generator shares the
 * machine with the servers).
 */
final class UniqueBodies {
    private static final String PLACEHOLDER = "bench-000000000000";
    private static final int DIGITS = 12;

    private final byte[] template;
    private final int offset;
    private final SignatureVerifier signer;

    /** A signed body and its signature header. */
    record Signed(byte[] body, String signature) {
    }

    /** {@code object.field} of {@code payload} (a top-level object's string field) carries the number. */
    UniqueBodies(ObjectNode payload, String object, String field, String secret) {
        ((ObjectNode) payload.get(object)).put(field, PLACEHOLDER);
        this.template = WebhookFixtures.bytes(payload);
        byte[] p = PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(template, p);
        if (at < 0 || indexOf(Arrays.copyOfRange(template, at + 1, template.length), p) >= 0) {
            throw new IllegalStateException("the placeholder must occur once in the payload");
        }
        this.offset = at + p.length - DIGITS;
        this.signer = new SignatureVerifier(secret);
    }

    int length() {
        return template.length;
    }

    Signed next(long n) {
        byte[] b = template.clone();
        for (int i = DIGITS - 1; i >= 0; i--, n /= 10) b[offset + i] = (byte) ('0' + n % 10);
        return new Signed(b, signer.sign(b));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
