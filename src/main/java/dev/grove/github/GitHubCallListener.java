package dev.grove.github;

import java.time.Duration;

/** Hears every GitHub API call Grove makes: for metrics. */
@FunctionalInterface
public interface GitHubCallListener {
    GitHubCallListener NONE = (method, route, status, took, rateRemaining) -> { };

    /**
     * One call: {@code route} is its template ({@link GitHubRoutes#template}), {@code status} the HTTP status (0 when
     * no answer came), {@code rateRemaining} GitHub's {@code x-ratelimit-remaining} (null when absent).
     */
    void githubCall(String method, String route, int status, Duration took, Long rateRemaining);
}
