package dev.grove.github;

import java.io.IOException;
import java.time.Duration;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/** hub4j's connector, timed: every request hub4j sends is reported to a {@link GitHubCallListener}. */
final class MeteredConnector implements GitHubConnector {
    private final GitHubConnector connector;
    private final String basePath;
    private final GitHubCallListener listener;

    MeteredConnector(GitHubConnector connector, String apiBase, GitHubCallListener listener) {
        this.connector = connector;
        this.basePath = pathOf(apiBase);
        this.listener = listener;
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
        long start = System.nanoTime();
        int status = 0;
        Long remaining = null;
        try {
            GitHubConnectorResponse response = connector.send(request);
            status = response.statusCode();
            remaining = rateRemaining(response.header("x-ratelimit-remaining"));
            return response;
        } finally {
            listener.githubCall(request.method(), GitHubRoutes.template(relative(request.url().getPath(), basePath)),
                    status, Duration.ofNanos(System.nanoTime() - start), remaining);
        }
    }

    static String pathOf(String apiBase) {
        String p = java.net.URI.create(apiBase).getPath();
        return p == null || p.equals("/") ? "" : (p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }

    static String relative(String path, String basePath) {
        return !basePath.isEmpty() && path.startsWith(basePath) ? path.substring(basePath.length()) : path;
    }

    static Long rateRemaining(String header) {
        if (header == null) return null;
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
