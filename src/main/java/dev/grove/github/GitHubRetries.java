package dev.grove.github;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry policy for GitHub (Failsafe): only {@link GitHubFaultException}s are retried, at most
 * {@link GitHubClientSettings#retries()} times, after the wait GitHub asked for or a jittered exponential backoff;
 * a wait longer than {@link GitHubClientSettings#maxWait()} ends the call at once. The fault that ends a call is
 * thrown as it is (not hub4j's wrapper), so its message says what GitHub answered.
 */
public final class GitHubRetries {
    private static final Logger log = LoggerFactory.getLogger(GitHubRetries.class);

    private final GitHubClientSettings settings;

    public GitHubRetries(GitHubClientSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Installation tokens asked for again on a fault (a second token is harmless), for git's fetches and pushes; API
     * calls get theirs through {@link RetryingGitHubGateway}, which retries the whole call.
     */
    public TokenSource tokens(TokenSource tokens) {
        return id -> call("get an installation token", new AtomicBoolean(), () -> tokens.installationToken(id));
    }

    /**
     * Runs {@code attempt} under the policy. {@code mayExist} is set once a failed attempt may have been acted on
     * by GitHub, and stays set: every later attempt of a create looks before it sends.
     */
    public <T> T call(String what, AtomicBoolean mayExist, CheckedSupplier<T> attempt) throws IOException {
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handleIf((result, failure) -> failure != null && GitHubFaultException.in(failure).isPresent())
                .abortIf((result, failure) -> failure != null && tooLongToWait(failure))
                .withMaxRetries(settings.retries())
                .withDelayFn(ctx -> delay(ctx.getLastException(), ctx.getAttemptCount()))
                .onFailedAttempt(e -> {
                    Optional<GitHubFaultException> fault = GitHubFaultException.in(e.getLastException());
                    if (fault.isPresent() && fault.get().mayHaveLanded()) {
                        mayExist.set(true);
                    }
                })
                .onRetryScheduled(e -> log.warn("GitHub fault on {} (attempt {}): {}; trying again in {} ms", what,
                        e.getAttemptCount(), e.getLastException() == null ? "?" : describe(e.getLastException()),
                        e.getDelay().toMillis()))
                .build();
        try {
            return Failsafe.with(policy).get(attempt);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof FailsafeException ? e.getCause() : e;
            Optional<GitHubFaultException> fault = GitHubFaultException.in(cause);
            if (fault.isPresent()) {
                throw fault.get(); // its own message, not the wrapper hub4j put around it
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while retrying " + what);
            }
            throw new IOException(what + " failed: " + cause, cause);
        }
    }

    private boolean tooLongToWait(Throwable failure) {
        return GitHubFaultException.in(failure).flatMap(GitHubFaultException::waitRequested)
                .map(w -> w.compareTo(settings.maxWait()) > 0).orElse(false);
    }

    /** What GitHub asked for, else {@code backoff × 2^(n-1)} up to {@code maxBackoff}, with ±25 % jitter. */
    Duration delay(Throwable failure, int attempts) {
        Optional<Duration> asked = GitHubFaultException.in(failure).flatMap(GitHubFaultException::waitRequested);
        if (asked.isPresent()) {
            return asked.get();
        }
        long base = settings.backoff().toMillis();
        long exp = base << Math.min(20, Math.max(0, attempts - 1));
        long capped = Math.min(exp < 0 ? Long.MAX_VALUE : exp, settings.maxBackoff().toMillis());
        long jitter = capped / 4;
        long ms = jitter == 0 ? capped : capped - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
        return Duration.ofMillis(Math.max(0, ms));
    }

    private static String describe(Throwable t) {
        return GitHubFaultException.in(t).map(Throwable::getMessage).orElse(String.valueOf(t.getMessage()));
    }
}
