package dev.grove.github;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * hub4j's transport, replaced: {@code java.net.http} with a timeout on every request (hub4j's own connector has
 * none), redirects left to hub4j (which drops the token on another host). Faults (5xx, rate limits, no answer) are
 * thrown as {@link GitHubFaultException} instead of being handed to hub4j, which would otherwise retry a timed-out
 * {@code POST} blindly (its {@code SocketTimeoutException} retry) or sleep until a rate limit resets. The retrying,
 * and the care a create needs before it is sent again, happen in {@link RetryingGitHubGateway}.
 */
final class FaultAwareConnector implements GitHubConnector {
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    FaultAwareConnector(HttpClient http, Duration timeout, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(timeout);
        try {
            builder.uri(request.url().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("invalid URL " + request.url(), e);
        }
        for (Map.Entry<String, List<String>> h : request.allHeaders().entrySet()) {
            if (h.getValue() != null) {
                builder.header(h.getKey(), String.join(", ", h.getValue()));
            }
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (request.hasBody()) {
            try (InputStream in = request.body()) {
                body = HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
            }
        }
        builder.method(request.method(), body);
        String where = request.url().getPath();
        HttpResponse<byte[]> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (InterruptedIOException) new InterruptedIOException("interrupted: " + request.method() + " " + where)
                    .initCause(e);
        } catch (IOException e) {
            throw GitHubFaultException.ofNoAnswer(request.method(), where, e);
        }
        byte[] bytes = response.body() == null ? new byte[0] : response.body();
        GitHubFaultException fault = GitHubFaultException.ofAnswer(request.method(), where, response.statusCode(),
                name -> response.headers().firstValue(name).orElse(null),
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8), clock);
        if (fault != null) {
            throw fault;
        }
        return new Answer(request, response.statusCode(), response.headers().map(), bytes);
    }

    private static final class Answer extends GitHubConnectorResponse.ByteArrayResponse {
        private final byte[] body;

        Answer(GitHubConnectorRequest request, int status, Map<String, List<String>> headers, byte[] body) {
            super(request, status, headers);
            this.body = body;
        }

        @Override
        protected InputStream rawBodyStream() {
            return new ByteArrayInputStream(body);
        }
    }
}
