package dev.grove.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
    // GitHub's documented test vector (docs: "Validating webhook deliveries").
    static final String SECRET = "It's a Secret to Everybody";
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    static final String EXPECTED = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void matchesGitHubsPublishedVector() {
        SignatureVerifier v = new SignatureVerifier(SECRET);
        assertEquals(EXPECTED, v.sign(BODY));
        assertTrue(v.matches(BODY, EXPECTED));
    }

    @Test
    void refusesWrongSecretMissingOrMalformedHeaderAndChangedBody() {
        SignatureVerifier v = new SignatureVerifier(SECRET);
        assertFalse(new SignatureVerifier("another secret").matches(BODY, EXPECTED));
        assertFalse(v.matches(BODY, null));
        assertFalse(v.matches(BODY, ""));
        assertFalse(v.matches(BODY, EXPECTED.replace("sha256=", "sha1=")));
        assertFalse(v.matches(BODY, "sha256=not-hex"));
        assertFalse(v.matches(BODY, EXPECTED.substring(0, EXPECTED.length() - 2)));
        assertFalse(v.matches("Hello, World?".getBytes(StandardCharsets.UTF_8), EXPECTED));
    }

    @Test
    void refusesAnEmptySecret() {
        assertThrows(IllegalArgumentException.class, () -> new SignatureVerifier(""));
    }
}
