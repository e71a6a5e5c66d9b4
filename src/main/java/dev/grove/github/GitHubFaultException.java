package dev.grove.github;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * An answer from GitHub (or the lack of one) that may go away if asked again: a 5xx, a rate limit (429, or 403 with
 * {@code Retry-After} or {@code x-ratelimit-remaining: 0}), no answer in time, or no connection at all. It carries
 * how long GitHub asked Grove to wait, when it said so, and whether a write may have been done all the same (a 5xx
 * or a lost answer: GitHub may have acted before failing to answer; a rate limit or a refused connection: it did
 * not). Thrown by Grove's own HTTP layer, so hub4j never sees these answers and never retries them blindly.
 */
public final class GitHubFaultException extends IOException {

    /** What went wrong. */
    public enum Kind {
        /** A 5xx answer; the request may have been acted on. */
        SERVER_ERROR,
        /** A rate limit (primary or secondary); the request was not acted on. */
        RATE_LIMITED,
        /** No answer in time, or the connection dropped while waiting; the request may have been acted on. */
        NO_ANSWER,
        /** No connection could be made; the request never reached GitHub. */
        UNREACHABLE
    }

    /** GitHub's advice when it gives none for a rate limit: "wait at least one minute". */
    static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(60);

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Kind kind;
    private final int status;
    private final transient Duration wait;

    GitHubFaultException(Kind kind, int status, Duration wait, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.wait = wait;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** How long GitHub asked Grove to wait ({@code Retry-After}, or until {@code x-ratelimit-reset}), if it did. */
    public Optional<Duration> waitRequested() {
        return Optional.ofNullable(wait);
    }

    /** Whether GitHub may have done what was asked even though the answer was a failure. */
    public boolean mayHaveLanded() {
        return kind == Kind.SERVER_ERROR || kind == Kind.NO_ANSWER;
    }

    /** The first {@link GitHubFaultException} in {@code t}'s chain of causes (hub4j wraps what its connector throws). */
    public static Optional<GitHubFaultException> in(Throwable t) {
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof GitHubFaultException f) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * The fault an answer stands for, or null when it is an ordinary answer (success, or an error such as 404 or 422
     * that asking again would not change).
     *
     * @param header a response header by name, case-insensitive, or null
     */
    static GitHubFaultException ofAnswer(String method, String url, int status, Function<String, String> header,
            String body, Clock clock) {
        String what = method + " " + url;
        String retryAfter = header.apply("Retry-After");
        boolean exhausted = "0".equals(trim(header.apply("X-RateLimit-Remaining")));
        if (status == 429 || status == 403 && (retryAfter != null || exhausted)) {
            Duration wait = retryAfter != null ? parseRetryAfter(retryAfter, header.apply("Date"), clock)
                    : exhausted ? untilReset(header.apply("X-RateLimit-Reset"), header.apply("Date"), clock)
                    : null;
            return new GitHubFaultException(Kind.RATE_LIMITED, status, wait != null ? wait : DEFAULT_RATE_LIMIT_WAIT,
                    "GitHub rate-limited " + what + " (" + status + messageOf(body) + "; it asks to wait "
                            + (wait != null ? wait : DEFAULT_RATE_LIMIT_WAIT).toSeconds() + " s)", null);
        }
        if (status >= 500 && status <= 599) {
            Duration wait = retryAfter != null ? parseRetryAfter(retryAfter, header.apply("Date"), clock) : null;
            return new GitHubFaultException(Kind.SERVER_ERROR, status, wait,
                    "GitHub answered " + status + " to " + what + messageOf(body), null);
        }
        return null;
    }

    /** The fault for a request that got no answer: {@code e} is what the HTTP client threw. */
    static GitHubFaultException ofNoAnswer(String method, String url, IOException e) {
        boolean neverSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof ConnectException;
        String why = e instanceof java.net.http.HttpTimeoutException && !neverSent ? "no answer in time"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new GitHubFaultException(neverSent ? Kind.UNREACHABLE : Kind.NO_ANSWER, 0, null,
                (neverSent ? "could not reach GitHub for " : "GitHub did not answer ") + method + " " + url + " (" + why
                        + ")", e);
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /** {@code Retry-After}: seconds, or an HTTP date (measured against GitHub's own {@code Date} when present). */
    static Duration parseRetryAfter(String value, String date, Clock clock) {
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return nonNegative(Duration.between(now(date, clock), at));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    /** {@code x-ratelimit-reset} (epoch seconds) minus GitHub's {@code Date} (or this machine's clock). */
    static Duration untilReset(String reset, String date, Clock clock) {
        if (reset == null) {
            return null;
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(reset.trim()));
            return nonNegative(Duration.between(now(date, clock), at));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant now(String date, Clock clock) {
        if (date != null) {
            try {
                return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException ignored) {
                // fall back to our clock
            }
        }
        return clock.instant();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** GitHub's {@code "message"} from an error body, at most 200 characters; never the whole body. */
    private static String messageOf(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            String m = JSON.readTree(body).path("message").asText("");
            return m.isEmpty() ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) + "…" : m);
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }
}
