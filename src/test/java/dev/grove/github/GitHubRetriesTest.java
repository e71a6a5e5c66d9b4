package dev.grove.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GitHubRetriesTest {
    static final GitHubClientSettings SETTINGS = new GitHubClientSettings(Duration.ofSeconds(1), 3,
            Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2));
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    static GitHubFaultException answer(int status, Map<String, String> headers) {
        return GitHubFaultException.ofAnswer("GET", "/x", status, headers::get, "{\"message\":\"m\"}", CLOCK);
    }

    @Test
    void whichAnswersAreFaults() {
        assertEquals(GitHubFaultException.Kind.SERVER_ERROR, answer(502, Map.of()).kind());
        assertEquals(GitHubFaultException.Kind.RATE_LIMITED, answer(429, Map.of()).kind());
        assertEquals(Duration.ofSeconds(60), answer(429, Map.of()).waitRequested().orElseThrow(), "GitHub's advice");
        assertEquals(Duration.ofSeconds(7), answer(403, Map.of("Retry-After", "7")).waitRequested().orElseThrow());
        assertEquals(Duration.ofSeconds(30), answer(403, Map.of("X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", String.valueOf(CLOCK.instant().getEpochSecond() + 30))).waitRequested().orElseThrow());
        assertEquals(Duration.ofSeconds(10), answer(403, Map.of("X-RateLimit-Remaining", "0",
                        "X-RateLimit-Reset", String.valueOf(Instant.parse("2026-11-27T13:00:10Z").getEpochSecond()),
                        "Date", "Fri, 27 Nov 2026 13:00:00 GMT")).waitRequested().orElseThrow(),
                "measured against GitHub's Date, not this machine's clock");
        assertNull(answer(403, Map.of()), "a plain 403 is a refusal, not a fault");
        assertNull(answer(404, Map.of()));
        assertNull(answer(422, Map.of()));
        assertTrue(answer(502, Map.of()).mayHaveLanded());
        assertTrue(!answer(429, Map.of()).mayHaveLanded());
        assertTrue(!GitHubFaultException.ofNoAnswer("POST", "/x", new java.net.ConnectException("refused")).mayHaveLanded());
        assertTrue(GitHubFaultException.ofNoAnswer("POST", "/x", new java.net.http.HttpTimeoutException("t")).mayHaveLanded());
    }

    @Test
    void backoffDoublesWithJitterUpToItsBound() {
        GitHubRetries retries = new GitHubRetries(SETTINGS);
        IOException plain = answer(502, Map.of());
        for (int attempt = 1; attempt <= 10; attempt++) {
            long ms = retries.delay(plain, attempt).toMillis();
            long base = Math.min(40, 10L << (attempt - 1));
            assertTrue(ms >= base * 3 / 4 && ms <= base * 5 / 4, "attempt " + attempt + ": " + ms);
        }
        assertEquals(Duration.ofSeconds(7), retries.delay(answer(503, Map.of("Retry-After", "7")), 1), "as asked");
    }

    @Test
    void gitTokensAreAskedForAgainAfterAFault() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        TokenSource flaky = id -> {
            if (calls.incrementAndGet() < 3) throw answer(502, Map.of());
            return "ghs_ok";
        };
        assertEquals("ghs_ok", new GitHubRetries(SETTINGS).tokens(flaky).installationToken(1));
        assertEquals(3, calls.get());

        TokenSource down = id -> {
            calls.incrementAndGet();
            throw answer(503, Map.of());
        };
        calls.set(0);
        IOException e = assertThrows(IOException.class, () -> new GitHubRetries(SETTINGS).tokens(down).installationToken(1));
        assertTrue(e instanceof GitHubFaultException && e.getMessage().contains("503"), e.getMessage());
        assertEquals(SETTINGS.retries() + 1, calls.get());
    }
}
