package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.github.CheckAnnotation;
import dev.grove.github.CheckRunDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the agent is told about failing checks. */
class CiFixerTest {
    static CheckRunDetails run(long id, String name, String text, int annotations) {
        return new CheckRunDetails(id, name, 1, "ci", "abcdef1234", "completed", "failure", name + " failed",
                "2 of 9 failed", text, annotations);
    }

    @Test
    void namesEachFailingCheckWithItsSummaryAnnotationsAndOutput() {
        String s = CiFixer.instructions("abcdef1234", "github-actions",
                List.of(run(1, "test", "BOOM at line 3", 1), run(2, "lint", null, 1)),
                Map.of(1L, List.of(new CheckAnnotation("src/A.java", 3, 5, "failure", "ATest", "expected 1", "trace"))),
                Map.of(2L, "GitHub refused: 403"),
                Map.of(1L, "2026-01-02T03:04:05.1234567Z > Task :test\n2026-01-02T03:04:06.0000000Z BUILD FAILED\n"));
        assertTrue(s.startsWith("Make the failing CI checks `test`, `lint` pass (they failed on abcdef1, reported by"
                + " github-actions)."), s);
        assertTrue(s.contains("## Check `test` failed: test failed"), s);
        assertTrue(s.contains("Summary:\n```\n2 of 9 failed\n```"), s);
        assertTrue(s.contains("- src/A.java:3-5 (failure) ATest: expected 1\n  trace"), s);
        assertTrue(s.contains("Output:\n```\nBOOM at line 3\n```"), s);
        assertTrue(s.contains("(Its annotations could not be read: GitHub refused: 403)"), s);
        assertTrue(s.contains("The end of its log:\n```\n> Task :test\nBUILD FAILED\n```"), "time stamps dropped: " + s);
    }

    @Test
    void keepsTheEndOfALongOutputAndFencesItSafely() {
        String text = "x".repeat(CiFixer.MAX_OUTPUT_CHARS) + "```\nTHE END";
        String s = CiFixer.instructions("abc", "ci", List.of(run(1, "test", text, 0)), Map.of(), Map.of(), Map.of());
        assertTrue(s.contains("Output (its last " + CiFixer.MAX_OUTPUT_CHARS + " characters)"), s);
        assertTrue(s.contains("THE END"), s);
        assertFalse(s.substring(s.indexOf("Output")).contains("```\nTHE END"), "the output cannot close the fence");
        List<CheckAnnotation> many = new ArrayList<>();
        for (int i = 0; i < CiFixer.MAX_ANNOTATIONS + 5; i++) {
            many.add(new CheckAnnotation("f", i, i, "warning", null, "m" + i, null));
        }
        String m = CiFixer.instructions("abc", "ci", List.of(run(1, "test", null, many.size())), Map.of(1L, many),
                Map.of(), Map.of());
        assertTrue(m.contains("- … and 5 more"), m);
        assertFalse(m.contains("m" + (CiFixer.MAX_ANNOTATIONS + 1)), m);
    }
}
