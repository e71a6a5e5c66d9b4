package dev.grove.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {

    static final String KEY = """
            -----BEGIN RSA PRIVATE KEY-----
            MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
            VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
            LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo
            -----END RSA PRIVATE KEY-----
            """;

    @Test
    void knownSecretsAreRedactedWhereverTheyAppear() {
        Redactor r = new Redactor(List.of("whsec-the-webhook-secret", "short"));
        assertEquals("agent says: [redacted]!", r.redact("agent says: whsec-the-webhook-secret!"));
        assertEquals("a short word stays", r.redact("a short word stays"));
        assertNull(r.redact(null));
    }

    @Test
    void theKeyIsRedactedWholeAndLineByLine() {
        Redactor r = new Redactor(List.of(KEY));
        String oneLine = KEY.lines().toList().get(2);
        assertEquals("tail: [redacted]", r.redact("tail: " + oneLine));
        assertFalse(r.redact("cat: " + KEY).contains("MIIE"));
    }

    @Test
    void tokensLearntLaterAreRedactedToo() {
        Redactor r = Redactor.none();
        r.addSecret("v1.0123456789abcdef0123456789abcdef01234567");
        assertEquals("x [redacted] y", r.redact("x v1.0123456789abcdef0123456789abcdef01234567 y"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
            "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            "AKIAIOSFODNN7EXAMPLE",
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NTYifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n",
    })
    void secretShapedTextIsRedactedWithoutBeingKnown(String secret) {
        String out = Redactor.none().redact("found: " + secret + " end");
        assertFalse(out.contains(secret.strip()), out);
        assertTrue(out.startsWith("found: [redacted]"), out);
    }

    @Test
    void aUrlsPasswordIsRedactedButItsHostKept() {
        assertEquals("https://[redacted]@example.com/x",
                Redactor.none().redact("https://x-access-token:abc123def@example.com/x"));
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "Added a discount rule; see src/cart/Discount.java and https://github.com/acme/demo/pull/3 (sk-1)";
        assertEquals(text, Redactor.none().redact(text));
    }

    @Test
    void htmlEscapedSecretsAreRedactedOnTheDashboard() {
        Redactor r = new Redactor(List.of("p&ss<word>\"42"));
        assertEquals("<pre>[redacted]</pre>", r.redact("<pre>" + DashboardRenderer.esc("p&ss<word>\"42") + "</pre>"));
    }

    @Test
    void findSecretSaysWhatKindNeverTheValue() {
        Redactor r = new Redactor(List.of("agent-key-0f3c9a7e41b2"));
        assertEquals(java.util.Optional.of("a secret value Grove knows (one of its own, or a key an agent is given)"),
                r.findSecret("API_KEY=agent-key-0f3c9a7e41b2"));
        assertEquals(java.util.Optional.of("something shaped like a private key"),
                r.findSecret("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assertEquals(java.util.Optional.of("something shaped like a GitHub token"),
                r.findSecret("token: ghs_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"));
        assertEquals(java.util.Optional.of("something shaped like an Anthropic API key"),
                r.findSecret("sk-ant-api03-" + "abcdefghijklmnopqrstuvwxyz012345"));
        // public, or ordinary: not secrets
        assertEquals(java.util.Optional.empty(), r.findSecret("-----BEGIN CERTIFICATE-----"));
        assertEquals(java.util.Optional.empty(), r.findSecret("DATABASE_URL=postgres://user:pass@localhost/db"));
        assertEquals(java.util.Optional.empty(), r.findSecret("agent-key is not the key"));
        assertEquals(java.util.Optional.empty(), r.findSecret(""));
    }
}
