package dev.grove.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installation access tokens from {@code POST {apiBase}/app/installations/{id}/access_tokens}, signed with the App's
 * JWT. Each installation's token is cached until 5 minutes before its {@code expires_at}. Safe for concurrent use:
 * callers asking for the same installation at once wait for one request. Tokens are never logged or put in messages,
 * and their length is not checked (GitHub's token format is not fixed-length).
 */
public final class InstallationTokens implements TokenSource {

    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Cached(String token, Instant expiresAt) {
    }

    private final String apiBase;
    private final AppJwt jwt;
    private final Clock clock;
    private final HttpClient http;
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();
    private volatile GitHubCallListener calls = GitHubCallListener.NONE;

    public InstallationTokens(String apiBase, String appId, RSAPrivateKey key, Clock clock, HttpClient http) {
        this.apiBase = stripTrailingSlash(Objects.requireNonNull(apiBase, "apiBase"));
        this.jwt = new AppJwt(appId, key, clock);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = Objects.requireNonNull(http, "http");
    }

    /** Reports each token request to {@code listener} (metrics); returns this. */
    public InstallationTokens reportingTo(GitHubCallListener listener) {
        this.calls = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public String installationToken(long installationId) throws IOException {
        Cached hit = cache.get(installationId);
        if (fresh(hit)) {
            return hit.token();
        }
        synchronized (locks.computeIfAbsent(installationId, id -> new Object())) {
            hit = cache.get(installationId);
            if (fresh(hit)) {
                return hit.token();
            }
            Cached created = request(installationId);
            cache.put(installationId, created);
            return created.token();
        }
    }

    private boolean fresh(Cached c) {
        return c != null && clock.instant().isBefore(c.expiresAt().minus(REFRESH_MARGIN));
    }

    private Cached request(long installationId) throws IOException {
        String path = "/app/installations/" + installationId + "/access_tokens";
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + jwt.create())
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = null;
        long start = System.nanoTime();
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking GitHub for an installation token (POST " + path + ")", e);
        } catch (IOException e) {
            throw GitHubFaultException.ofNoAnswer("POST", path, e);
        } finally {
            HttpResponse<String> answered = response;
            calls.githubCall("POST", GitHubRoutes.template(path), answered == null ? 0 : answered.statusCode(),
                    java.time.Duration.ofNanos(System.nanoTime() - start), answered == null ? null
                            : MeteredConnector.rateRemaining(answered.headers().firstValue("x-ratelimit-remaining")
                                    .orElse(null)));
        }
        HttpResponse<String> answer = response;
        GitHubFaultException fault = GitHubFaultException.ofAnswer("POST", path, answer.statusCode(),
                name -> answer.headers().firstValue(name).orElse(null), answer.body(), clock);
        if (fault != null) {
            throw fault; // a new token is harmless to ask for again: RetryingGitHubGateway does
        }
        if (response.statusCode() != 201) {
            throw new IOException("GitHub answered " + response.statusCode() + " to POST " + path + ": "
                    + messageOf(response.body()) + hint(response.statusCode()));
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String token = body.path("token").asText("");
            String expiresAt = body.path("expires_at").asText("");
            if (token.isEmpty() || expiresAt.isEmpty()) {
                throw new IOException("GitHub's answer to POST " + path + " has no token or expires_at");
            }
            return new Cached(token, Instant.parse(expiresAt));
        } catch (DateTimeParseException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // The exception text could quote the body, which holds the token: keep it out.
            throw new IOException("GitHub's answer to POST " + path + " is not the expected JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** GitHub's {@code message} field, or a short note; the body of an error answer carries no secrets. */
    private static String messageOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall through
        }
        return "(no message)";
    }

    private static String hint(int status) {
        return switch (status) {
            case 401 -> " (check GROVE_APP_ID, the private key, and this machine's clock)";
            case 404 -> " (is the App still installed there? check the installation id)";
            default -> "";
        };
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
