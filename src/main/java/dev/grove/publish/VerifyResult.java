package dev.grove.publish;

import java.time.Duration;

/** How the repository's verify command ended: passed, with a summary line and the last lines of its output. */
public record VerifyResult(String command, boolean passed, String summary, String tail, Duration elapsed) {
}
