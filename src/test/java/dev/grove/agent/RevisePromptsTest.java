package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RevisePromptsTest {
    @Test
    void aFreshStartCarriesTheTaskTheDiffAndTheReview() {
        String p = RevisePrompts.freshStart("Your task: add login", "+++ b/Login.java\n+class Login {}\n```",
                "Use a record", List.of("src/Login.java:3 name it LoginForm", "also\nadd a test"));
        assertTrue(p.startsWith("Your task: add login"), p);
        assertTrue(p.contains("```diff\n+++ b/Login.java\n+class Login {}\nʼʼʼ\n```"), p);
        assertTrue(p.contains("The reviewer asks:\nUse a record"), p);
        assertTrue(p.contains("- src/Login.java:3 name it LoginForm\n- also\n  add a test\n"), p);
        assertTrue(p.contains("Do not commit, push or switch branches"), p);
    }

    @Test
    void aResumedSessionGetsOnlyTheReview() {
        String p = RevisePrompts.resumed("Rename it", List.of());
        assertTrue(p.contains("Rename it"), p);
        assertFalse(p.contains("```diff"), p);
    }

    @Test
    void aHugeDiffIsCut() {
        String p = RevisePrompts.freshStart("t", "x".repeat(RevisePrompts.MAX_DIFF_CHARS + 10), null, null);
        assertTrue(p.contains("(diff cut; read the files for the rest)"), p);
    }
}
