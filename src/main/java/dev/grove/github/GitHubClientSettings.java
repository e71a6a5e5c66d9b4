package dev.grove.github;

import java.time.Duration;

/**
 * How Grove talks to GitHub when GitHub is slow or failing.
 *
 * @param timeout     how long one request may wait for its answer ({@code GROVE_GITHUB_TIMEOUT})
 * @param retries     how many times a request that hit a fault is tried again ({@code GROVE_GITHUB_RETRIES})
 * @param backoff     the wait before the first retry; it doubles each time, with jitter ({@code GROVE_GITHUB_BACKOFF})
 * @param maxBackoff  the longest wait between retries Grove picks itself
 * @param maxWait     the longest wait Grove accepts when GitHub names one ({@code Retry-After}, the rate limit's reset);
 *                    asked to wait longer, Grove gives up at once and says until when ({@code GROVE_GITHUB_MAX_WAIT})
 */
public record GitHubClientSettings(Duration timeout, int retries, Duration backoff, Duration maxBackoff,
        Duration maxWait) {

    public static final GitHubClientSettings DEFAULTS = new GitHubClientSettings(Duration.ofSeconds(30), 4,
            Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(90));

    public GitHubClientSettings {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be above 0");
        if (retries < 0) throw new IllegalArgumentException("retries must be 0 or more");
        if (backoff.isNegative()) throw new IllegalArgumentException("backoff must not be negative");
        if (maxBackoff.compareTo(backoff) < 0) maxBackoff = backoff;
    }
}
