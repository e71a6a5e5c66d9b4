package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoInstructionsTest {
    @TempDir
    Path tmp;

    @Test
    void anAgentOtherThanClaudeCodeGetsBothFiles() throws Exception {
        Files.writeString(tmp.resolve("CLAUDE.md"), "Use tabs.\n");
        Files.writeString(tmp.resolve("AGENTS.md"), "Run the tests.\n");
        PromptContext.Parts p = RepoInstructions.read(tmp, AgentDefinition.Kind.COMMAND);
        assertEquals(List.of(new PromptContext.Instructions("CLAUDE.md", "Use tabs.\n", false),
                new PromptContext.Instructions("AGENTS.md", "Run the tests.\n", false)), p.files());
        assertNull(p.note());
    }

    @Test
    void claudeCodeReadsClaudeMdItselfSoOnlyAgentsMdIsAdded() throws Exception {
        Files.writeString(tmp.resolve("CLAUDE.md"), "Use tabs.\n");
        Files.writeString(tmp.resolve("AGENTS.md"), "Run the tests.\n");
        PromptContext.Parts p = RepoInstructions.read(tmp, AgentDefinition.Kind.CLAUDE_CODE);
        assertEquals(List.of(new PromptContext.Instructions("AGENTS.md", "Run the tests.\n", false)), p.files());
        assertTrue(p.note().contains("Claude Code reads the repository's `CLAUDE.md` itself"), p.note());
    }

    @Test
    void noFilesNoInstructions() {
        assertEquals(PromptContext.Parts.NONE, RepoInstructions.read(tmp, AgentDefinition.Kind.COMMAND));
        assertEquals(PromptContext.Parts.NONE, RepoInstructions.read(tmp, AgentDefinition.Kind.CLAUDE_CODE));
    }

    @Test
    void aSymbolicLinkIsNotFollowed() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "server secret");
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        Files.createSymbolicLink(wt.resolve("AGENTS.md"), secret);
        Files.createDirectories(wt.resolve("CLAUDE.md"));
        PromptContext.Parts p = RepoInstructions.read(wt, AgentDefinition.Kind.COMMAND);
        assertEquals(List.of(), p.files());
        assertTrue(p.note().contains("`AGENTS.md` is not a regular file"), p.note());
        assertTrue(p.note().contains("`CLAUDE.md` is not a regular file"), p.note());
    }

    @Test
    void aBigFileIsCutAtTheLimit() throws Exception {
        Files.writeString(tmp.resolve("AGENTS.md"), "é".repeat(RepoInstructions.MAX_BYTES));
        PromptContext.Instructions i = RepoInstructions.read(tmp, AgentDefinition.Kind.COMMAND).files().get(0);
        assertTrue(i.cut());
        assertTrue(i.text().length() <= RepoInstructions.MAX_BYTES / 2 + 1, "at most MAX_BYTES read: " + i.text().length());
        assertTrue(i.text().startsWith("éé"));
    }
}
