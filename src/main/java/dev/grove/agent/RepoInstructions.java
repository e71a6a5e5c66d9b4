package dev.grove.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository's instructions for coding agents, {@code CLAUDE.md} and {@code AGENTS.md} at the root of a task's
 * worktree, read for the prompt. They are repository content (what the agent could read itself), read with care:
 * a symbolic link is not followed, anything but a regular file is skipped, and at most {@link #MAX_BYTES} of each are
 * passed on. Claude Code reads {@code CLAUDE.md} itself, so for it only {@code AGENTS.md} is added.
 */
public final class RepoInstructions {
    public static final int MAX_BYTES = 16 * 1024;
    static final List<String> FILES = List.of("CLAUDE.md", "AGENTS.md");

    private RepoInstructions() {
    }

    /** The instructions and a note on what was not passed on, for an agent of {@code kind}. */
    public static PromptContext.Parts read(Path worktree, AgentDefinition.Kind kind) {
        List<PromptContext.Instructions> found = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean readsClaudeMd = kind == AgentDefinition.Kind.CLAUDE_CODE;
        for (String name : FILES) {
            Path file = worktree.resolve(name);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (name.equals("CLAUDE.md") && readsClaudeMd) {
                notes.add("Claude Code reads the repository's `CLAUDE.md` itself; it is not repeated here.");
                continue;
            }
            if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                notes.add("`" + name + "` is not a regular file (a symbolic link?); Grove did not read it.");
                continue;
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                boolean cut = bytes.length > MAX_BYTES;
                found.add(new PromptContext.Instructions(name, decode(bytes, Math.min(bytes.length, MAX_BYTES)), cut));
            } catch (IOException e) {
                notes.add("`" + name + "` could not be read (" + e.getMessage() + ").");
            }
        }
        return new PromptContext.Parts(found, notes.isEmpty() ? null : String.join(" ", notes));
    }

    /** UTF-8, a sequence cut at the limit or malformed replaced rather than failing. */
    private static String decode(byte[] bytes, int length) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return d.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }
}
