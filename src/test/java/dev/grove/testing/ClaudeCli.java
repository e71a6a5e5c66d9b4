package dev.grove.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pinned Claude Code CLI that the build installs under {@code target/claude-cli} (see
 * {@code .ci/install-claude-cli.sh}); tests that need it skip, saying why, where it could not be installed.
 */
public final class ClaudeCli {
    private ClaudeCli() {
    }

    public static Path require() {
        String prop = System.getProperty("grove.claude.cli", "target/claude-cli/node_modules/.bin/claude");
        Path cli = Path.of(prop).toAbsolutePath();
        assumeTrue(Files.isExecutable(cli), "the Claude Code CLI is not installed at " + cli + " (the build installs "
                + "@anthropic-ai/claude-code@" + System.getProperty("grove.claude.version", "2.1.197")
                + " with npm in generate-test-resources; npm was missing or the install failed; see the build log)");
        return cli;
    }
}
