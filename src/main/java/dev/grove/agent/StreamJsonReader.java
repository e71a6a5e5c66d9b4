package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Reads Claude Code's {@code --output-format stream-json} output line by line, as it comes: each {@code tool_use}
 * becomes a progress line, the {@code system/init} event gives the session id, the final {@code result} event the
 * summary, turns, duration and cost. A line that is not JSON (cut short, or the CLI's own messages) is kept among the
 * last plain lines, for the failure reason, and never stops the reading.
 */
final class StreamJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PROGRESS_CHARS = 120;

    private final Path workDir;
    private final Consumer<String> progress;
    private final ArrayDeque<String> plainLines = new ArrayDeque<>();
    private String sessionId;
    private JsonNode result;
    private int malformed;

    StreamJsonReader(Path workDir, Consumer<String> progress) {
        this.workDir = workDir == null ? null : workDir.toAbsolutePath().normalize();
        this.progress = progress;
    }

    synchronized void accept(String line) {
        String s = line.strip();
        if (s.isEmpty()) {
            return;
        }
        JsonNode event = null;
        if (s.startsWith("{")) {
            try {
                event = JSON.readTree(s);
            } catch (Exception e) {
                malformed++;
            }
        }
        if (event == null || !event.isObject()) {
            plainLines.addLast(s.length() > 300 ? s.substring(0, 300) + "…" : s);
            while (plainLines.size() > 5) plainLines.removeFirst();
            return;
        }
        if (event.hasNonNull("session_id")) {
            sessionId = event.get("session_id").asText();
        }
        switch (event.path("type").asText()) {
            case "assistant" -> {
                for (JsonNode block : event.path("message").path("content")) {
                    if (block.path("type").asText().equals("tool_use")) {
                        String p = describe(block.path("name").asText("a tool"), block.path("input"));
                        progress.accept(p.length() > MAX_PROGRESS_CHARS ? p.substring(0, MAX_PROGRESS_CHARS) + "…" : p);
                    }
                }
            }
            case "result" -> {
                result = event;
                progress.accept(isError() ? "finished with an error" : "finished");
            }
            case "system" -> {
                if (event.path("subtype").asText().equals("api_retry")) {
                    progress.accept("API call failed, retrying (attempt " + event.path("attempt").asText("?") + ")");
                }
            }
            default -> {
                // system/init, user (tool results), stream events: in the log, not in progress
            }
        }
    }

    /** "editing src/auth/Jwt.java", "running mvn test", … */
    String describe(String tool, JsonNode input) {
        return switch (tool) {
            case "Write" -> "writing " + path(input.path("file_path").asText("a file"));
            case "Edit", "MultiEdit", "NotebookEdit" -> "editing " + path(input.path("file_path")
                    .asText(input.path("notebook_path").asText("a file")));
            case "Read" -> "reading " + path(input.path("file_path").asText("a file"));
            case "Bash" -> "running " + input.path("command").asText("a command").lines().findFirst().orElse("").strip();
            case "Grep" -> "searching for " + input.path("pattern").asText("text");
            case "Glob" -> "listing " + input.path("pattern").asText("files");
            case "LS" -> "listing " + path(input.path("path").asText("."));
            case "TodoWrite" -> "updating its to-do list";
            case "WebFetch" -> "fetching " + input.path("url").asText("a page");
            case "WebSearch" -> "searching the web for " + input.path("query").asText("something");
            case "Task", "Agent" -> "starting a sub-agent: " + input.path("description").asText("");
            default -> "using " + tool;
        };
    }

    private String path(String p) {
        if (workDir != null) {
            try {
                Path abs = Path.of(p).toAbsolutePath().normalize();
                if (abs.startsWith(workDir)) {
                    String rel = workDir.relativize(abs).toString();
                    return rel.isEmpty() ? "." : rel;
                }
            } catch (RuntimeException ignored) {
                // not a path: show as given
            }
        }
        return p;
    }

    synchronized boolean hasResult() {
        return result != null;
    }

    synchronized boolean isError() {
        return result != null && (result.path("is_error").asBoolean(false)
                || !result.path("subtype").asText("success").equals("success"));
    }

    synchronized String subtype() {
        return result == null ? null : result.path("subtype").asText(null);
    }

    synchronized String resultText() {
        if (result == null) return null;
        JsonNode r = result.get("result");
        if (r != null && r.isTextual()) return r.asText();
        JsonNode errors = result.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            errors.forEach(e -> sb.append(sb.length() == 0 ? "" : "; ").append(e.isTextual() ? e.asText() : e.toString()));
            return sb.toString();
        }
        return null;
    }

    synchronized int malformedLines() {
        return malformed;
    }

    synchronized String sessionId() {
        return sessionId;
    }

    /** The last lines that were not JSON events (e.g. "No conversation found ..."). */
    synchronized String plainTail() {
        return String.join("\n", plainLines);
    }

    synchronized AgentReport report(String configDir) {
        if (result == null) {
            return new AgentReport(null, null, null, null, sessionId, configDir);
        }
        Integer turns = result.hasNonNull("num_turns") ? result.get("num_turns").asInt() : null;
        Double cost = result.hasNonNull("total_cost_usd") ? result.get("total_cost_usd").asDouble()
                : result.hasNonNull("cost_usd") ? result.get("cost_usd").asDouble() : null;
        Duration duration = result.hasNonNull("duration_ms") ? Duration.ofMillis(result.get("duration_ms").asLong()) : null;
        return new AgentReport(resultText(), turns, cost, duration, sessionId, configDir, tokens(result.path("usage")));
    }

    /** Input, output and cache tokens of a {@code usage} object; null without one. */
    private static Long tokens(com.fasterxml.jackson.databind.JsonNode usage) {
        if (!usage.isObject()) return null;
        long n = 0;
        for (String f : new String[] {"input_tokens", "output_tokens", "cache_creation_input_tokens",
                "cache_read_input_tokens"}) {
            n += usage.path(f).asLong(0);
        }
        return n;
    }
}
