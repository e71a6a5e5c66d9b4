package dev.grove.publish;

import dev.grove.model.VerifyNote;
import java.time.Duration;

/** How the repository's verify command ended: passed, with a summary line and the last lines of its output. */
public record VerifyResult(String command, boolean passed, String summary, String tail, Duration elapsed) {
    /** What a task keeps of this result, as said of commit {@code sha}. */
    public VerifyNote note(String sha) {
        return new VerifyNote(sha, passed, summary);
    }
}
