package dev.grove.publish;

import dev.grove.model.DiffStat;
import java.util.List;

/** How publishing an agent's work ended. */
public sealed interface PublishOutcome {

    /** The agent changed nothing: no commit, nothing pushed. */
    record NoChanges() implements PublishOutcome {
    }

    /** The agent moved the worktree off its branch ({@code onBranch} null: a detached HEAD); nothing was committed. */
    record LeftBranch(String branch, String onBranch) implements PublishOutcome {
        /** What happened, as a clause. */
        public String message() {
            return "the agent moved the worktree off `" + branch + "` (to "
                    + (onBranch == null ? "a detached HEAD" : "`" + onBranch + "`")
                    + "); Grove commits only on the task branch";
        }
    }

    /**
     * One commit, verified, then pushed: origin holds {@code sha}. {@code verify} is null when no verify command is
     * configured; a failed verify is pushed all the same (its result says so).
     */
    record Pushed(String sha, List<String> files, DiffStat diff, VerifyResult verify) implements PublishOutcome {
        public Pushed {
            files = List.copyOf(files);
        }

        public boolean verifyFailed() {
            return verify != null && !verify.passed();
        }
    }
}
