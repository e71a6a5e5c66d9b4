package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamJsonReaderTest {
    final List<String> progress = new ArrayList<>();
    final StreamJsonReader reader = new StreamJsonReader(Path.of("/work/wt"), progress::add);

    static String toolUse(String name, String input) {
        return "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"ok\"},"
                + "{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"" + name + "\",\"input\":" + input + "}]},"
                + "\"session_id\":\"s-1\"}";
    }

    @Test
    void toolUsesBecomeProgressLinesAndTheResultGivesSummaryTurnsAndCost() {
        reader.accept("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-1\",\"tools\":[\"Write\"]}");
        reader.accept(toolUse("Edit", "{\"file_path\":\"/work/wt/src/auth/Jwt.java\",\"old_string\":\"a\"}"));
        reader.accept(toolUse("Bash", "{\"command\":\"mvn test\\necho done\"}"));
        reader.accept(toolUse("Write", "{\"file_path\":\"/elsewhere/x.txt\",\"content\":\"\"}"));
        reader.accept(toolUse("Mystery", "{}"));
        reader.accept("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\"}]}}");
        reader.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":4200,"
                + "\"num_turns\":3,\"result\":\"Fixed the JWT check.\",\"session_id\":\"s-1\",\"total_cost_usd\":0.0421}");

        assertEquals(List.of("editing src/auth/Jwt.java", "running mvn test", "writing /elsewhere/x.txt", "using Mystery",
                "finished"), progress);
        AgentReport r = reader.report("/cfg");
        assertEquals(new AgentReport("Fixed the JWT check.", 3, 0.0421, Duration.ofMillis(4200), "s-1", "/cfg"), r);
        assertFalse(reader.isError());
    }

    @Test
    void malformedAndCutLinesAreKeptAsPlainTextAndReadingGoesOn() {
        reader.accept("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":\"Wri");
        reader.accept("not json at all");
        reader.accept("{]");
        reader.accept("[1,2]");
        reader.accept("");
        reader.accept("{\"type\":\"assistant\",\"message\":{\"content\":\"a string, not blocks\"}}");
        reader.accept("{\"type\":\"assistant\"}");
        reader.accept(toolUse("Read", "{\"file_path\":\"/work/wt/README.md\"}"));
        assertEquals(List.of("reading README.md"), progress);
        assertFalse(reader.hasResult());
        assertEquals(2, reader.malformedLines());
        assertTrue(reader.plainTail().contains("not json at all"), reader.plainTail());
        assertNull(reader.report(null).turns());
    }

    @Test
    void anErrorResultIsAnError() {
        reader.accept("{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":false,\"num_turns\":2,"
                + "\"total_cost_usd\":0.01}");
        assertTrue(reader.isError());
        assertEquals("error_max_turns", reader.subtype());
        assertEquals(2, reader.report(null).turns());
        StreamJsonReader other = new StreamJsonReader(null, l -> { });
        other.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"API Error: 400\"}");
        assertTrue(other.isError());
        assertEquals("API Error: 400", other.resultText());
    }

    @Test
    void longProgressLinesAreShortened() {
        reader.accept(toolUse("Bash", "{\"command\":\"" + "x".repeat(500) + "\"}"));
        assertEquals(StreamJsonReader.MAX_PROGRESS_CHARS + 1, progress.get(0).length());
    }
}
