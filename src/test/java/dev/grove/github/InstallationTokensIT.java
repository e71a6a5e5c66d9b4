package dev.grove.github;

import dev.grove.testing.GitHubApiStub;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstallationTokensIT {

    static final long INSTALLATION = 4242;
    static final String APP_ID = "123456";

    private static KeyPair pair;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private GitHubApiStub github;
    private InstallationTokens tokens;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        pair = gen.generateKeyPair();
    }

    @BeforeEach
    void start() {
        github = new GitHubApiStub();
        tokens = new InstallationTokens(github.baseUrl() + "/", APP_ID, (RSAPrivateKey) pair.getPrivate(), clock,
                HttpClient.newHttpClient());
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void asksWithAVerifiableJwtAndHeaders() throws Exception {
        github.stubAccessToken(INSTALLATION, "ghs_first", clock.instant().plus(Duration.ofHours(1)));

        assertEquals("ghs_first", tokens.installationToken(INSTALLATION));

        var sent = github.requests("POST", "/app/installations/4242/access_tokens");
        assertEquals(1, sent.size());
        var request = sent.get(0);
        assertEquals("application/vnd.github+json", request.header("Accept"));
        assertEquals("2022-11-28", request.header("X-GitHub-Api-Version"));
        String authorization = request.header("Authorization");
        assertTrue(authorization.startsWith("Bearer "));
        Claims claims = Jwts.parser()
                .verifyWith(pair.getPublic())
                .clock(() -> Date.from(clock.instant()))
                .build()
                .parseSignedClaims(authorization.substring("Bearer ".length()))
                .getPayload();
        assertEquals(APP_ID, claims.getIssuer());
        Instant iat = claims.getIssuedAt().toInstant();
        Instant exp = claims.getExpiration().toInstant();
        assertEquals(clock.instant().minusSeconds(60), iat);
        assertTrue(Duration.between(iat, exp).compareTo(Duration.ofMinutes(10)) <= 0, "exp - iat <= 10 min");
        assertTrue(exp.isAfter(clock.instant()));
        github.assertNoUnmatchedRequests();
    }

    @Test
    void cachesUntilFiveMinutesBeforeExpiry() throws Exception {
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        github.stubAccessToken(INSTALLATION, "ghs_first", expiry);

        assertEquals("ghs_first", tokens.installationToken(INSTALLATION));
        clock.set(expiry.minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertEquals("ghs_first", tokens.installationToken(INSTALLATION));
        assertEquals(1, github.requests("POST", "/app/.*").size());

        github.stubAccessToken(INSTALLATION, "ghs_second_and_a_good_deal_longer_than_the_first",
                expiry.plus(Duration.ofHours(1)));
        clock.set(expiry.minus(Duration.ofMinutes(5)));
        assertEquals("ghs_second_and_a_good_deal_longer_than_the_first", tokens.installationToken(INSTALLATION));
        assertEquals(2, github.requests("POST", "/app/.*").size());
        github.assertNoUnmatchedRequests();
    }

    @Test
    void installationsAreCachedSeparately() throws Exception {
        github.stubAccessToken(1, "ghs_one", clock.instant().plus(Duration.ofHours(1)));
        github.stubAccessToken(2, "ghs_two", clock.instant().plus(Duration.ofHours(1)));
        assertEquals("ghs_one", tokens.installationToken(1));
        assertEquals("ghs_two", tokens.installationToken(2));
        assertEquals("ghs_one", tokens.installationToken(1));
        assertEquals(2, github.requests("POST", "/app/.*").size());
    }

    @Test
    void concurrentCallersAllGetTheToken() throws Exception {
        github.stubAccessToken(INSTALLATION, "ghs_shared", clock.instant().plus(Duration.ofHours(1)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> tokens.installationToken(INSTALLATION));
            }
            for (Future<String> f : pool.invokeAll(calls)) {
                assertEquals("ghs_shared", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, github.requests("POST", "/app/.*").size(), "callers of one installation share one request");
    }

    @Test
    void unauthorizedNamesStatusAndGitHubsMessageButNotTheJwt() {
        github.stubAccessTokenError(INSTALLATION, 401, "A JSON web token could not be decoded");

        IOException e = assertThrows(IOException.class, () -> tokens.installationToken(INSTALLATION));

        assertTrue(e.getMessage().contains("401"), e.getMessage());
        assertTrue(e.getMessage().contains("A JSON web token could not be decoded"), e.getMessage());
        String jwt = github.requests("POST", ".*").get(0).header("Authorization").substring("Bearer ".length());
        assertFalse(e.getMessage().contains(jwt));
        assertFalse(e.getMessage().contains("eyJ"), "no JWT in the message");
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
