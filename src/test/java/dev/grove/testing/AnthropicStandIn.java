package dev.grove.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Anthropic Messages API that the real {@code claude} CLI talks to (through
 * {@code ANTHROPIC_BASE_URL}). It answers a scripted conversation as Server-Sent Events, the way the API streams:
 * to a request whose last user message holds no {@code tool_result}, one {@code tool_use} of {@code Write} creating
 * {@link #fileToWrite} (relative to the working directory the CLI names in its system prompt); to the request that
 * carries the tool's result, the final text {@link #finalText}. {@code HEAD /} answers 200. Every request is kept.
 */
public final class AnthropicStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CWD = Pattern.compile("(?im)working directory: (\\S+)");

    /** One request received: method, path with query, headers of interest, body. */
    public record Received(String method, String path, String apiKey, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String fileToWrite = "NOTES.md";
    private volatile String fileContent = "written by claude through grove\n";
    private volatile String finalText = "I created NOTES.md as asked.";
    private volatile long delayMillis;
    private volatile int status = 200;

    public AnthropicStandIn() {
        this("127.0.0.1");
    }

    /** Listening on {@code bindAddress} (e.g. {@code 0.0.0.0}, for a CLI in a container reaching the host). */
    public AnthropicStandIn(String bindAddress) {
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "anthropic-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public AnthropicStandIn writes(String relativePath, String content) {
        this.fileToWrite = relativePath;
        this.fileContent = content;
        return this;
    }

    public AnthropicStandIn answers(String text) {
        this.finalText = text;
        return this;
    }

    /** Wait this long before answering each message (for timeout and cancel tests). */
    public AnthropicStandIn delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** Answer every message with this HTTP status and an API error body. */
    public AnthropicStandIn failWith(int httpStatus) {
        this.status = httpStatus;
        return this;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** The POSTs to {@code /v1/messages}. */
    public synchronized List<Received> messages() {
        return received.stream().filter(r -> r.method().equals("POST") && r.path().startsWith("/v1/messages")
                && !r.path().startsWith("/v1/messages/count_tokens")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            String path = ex.getRequestURI().toString();
            synchronized (this) {
                received.add(new Received(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("x-api-key"), body));
            }
            if (!ex.getRequestMethod().equals("POST")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            if (path.startsWith("/v1/messages/count_tokens")) {
                json(ex, 200, "{\"input_tokens\":100}");
                return;
            }
            if (!path.startsWith("/v1/messages")) {
                json(ex, 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"not here\"}}");
                return;
            }
            if (status != 200) {
                json(ex, status, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                        + "\"message\":\"scripted failure\"}}");
                return;
            }
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String model = body.path("model").asText("claude-sonnet-4-5");
            boolean streaming = body.path("stream").asBoolean(false);
            boolean toolDone = lastUserMessageHasToolResult(body);
            boolean writeNow = !toolDone && body.has("tools");
            if (!streaming) {
                json(ex, 200, whole(model, writeNow ? null : finalText, writeNow ? workingDirectory(body) : null));
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            String id = "msg_standin_" + ids.incrementAndGet();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":1000,\"output_tokens\":1}}}");
            if (!writeNow) {
                ObjectNode text = JSON.createObjectNode().put("type", "text_delta").put("text", finalText);
                event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
                event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + text + "}");
                event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
                event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":50}}");
            } else {
                String cwd = workingDirectory(body);
                ObjectNode input = JSON.createObjectNode()
                        .put("file_path", cwd + "/" + fileToWrite).put("content", fileContent);
                ObjectNode delta = JSON.createObjectNode().put("type", "input_json_delta")
                        .put("partial_json", input.toString());
                event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_standin_" + ids.get()
                        + "\",\"name\":\"Write\",\"input\":{}}}");
                event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":" + delta + "}");
                event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
                event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":80}}");
            }
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        } catch (IOException e) {
            // the CLI went away mid-answer (timeout and cancel tests)
        } catch (RuntimeException e) {
            System.err.println("AnthropicStandIn: " + e);
            throw e;
        }
    }

    /** The same answer as one JSON message (for a request without {@code stream: true}). */
    private String whole(String model, String text, String cwd) {
        ObjectNode msg = JSON.createObjectNode().put("id", "msg_standin_" + ids.incrementAndGet()).put("type", "message")
                .put("role", "assistant").put("model", model).put("stop_reason", text != null ? "end_turn" : "tool_use");
        msg.putNull("stop_sequence");
        if (text != null) {
            msg.putArray("content").addObject().put("type", "text").put("text", text);
        } else {
            ObjectNode tool = msg.putArray("content").addObject().put("type", "tool_use")
                    .put("id", "toolu_standin_" + ids.get()).put("name", "Write");
            tool.putObject("input").put("file_path", cwd + "/" + fileToWrite).put("content", fileContent);
        }
        msg.putObject("usage").put("input_tokens", 1000).put("output_tokens", 50);
        return msg.toString();
    }

    static boolean lastUserMessageHasToolResult(JsonNode body) {
        JsonNode messages = body.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!m.path("role").asText().equals("user")) continue;
            JsonNode content = m.path("content");
            if (content.isArray()) {
                for (JsonNode block : content) {
                    if (block.path("type").asText().equals("tool_result")) return true;
                }
            }
            return false;
        }
        return false;
    }

    /** The CLI names its working directory in the system prompt (or a system-role message). */
    static String workingDirectory(JsonNode body) {
        Matcher m = CWD.matcher(body.toString().replace("\\n", "\n"));
        if (m.find()) {
            return m.group(1).replaceAll("[\"\\\\,]+$", "");
        }
        throw new IllegalStateException("no 'Working directory:' in the request: " + body.toString().substring(0, 500));
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    /** The user-visible text of all messages of a request, joined (to check what the CLI was told). */
    public static String allText(JsonNode body) {
        StringBuilder sb = new StringBuilder();
        body.path("system").forEach(b -> sb.append(b.path("text").asText()).append('\n'));
        if (body.path("system").isTextual()) sb.append(body.path("system").asText());
        for (JsonNode m : body.path("messages")) {
            JsonNode c = m.path("content");
            if (c.isTextual()) sb.append(c.asText()).append('\n');
            if (c instanceof ArrayNode a) a.forEach(b -> sb.append(b.path("text").asText()).append('\n'));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
