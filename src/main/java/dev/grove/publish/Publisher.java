package dev.grove.publish;

import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.model.DiffStat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Publishes an agent's work, the same way for a task, a revise and a {@code /grove try} attempt: check the worktree is
 * still on its branch, commit everything as Grove, run the verify command, and only then push under the push guard
 * (only the branch itself, never the protected default branch; origin read back).
 */
public final class Publisher {
    public static final String AUTHOR_NAME = "grove[bot]";
    public static final String AUTHOR_EMAIL = "grove[bot]@users.noreply.github.com";

    private final GitClient git;
    private final Verifier verifier;

    public Publisher(GitClient git) {
        this(git, new Verifier());
    }

    public Publisher(GitClient git, Verifier verifier) {
        this.git = git;
        this.verifier = verifier;
    }

    /**
     * What to publish: the commit message; the verify command (null: none), its timeout and where its log goes; the
     * branch never pushed to (the default branch); whether a worktree with no change is removed with its branch.
     */
    public record Publication(String message, String verifyCommand, Duration verifyTimeout, Path logDir,
            String protectedBranch, boolean removeWhenEmpty) {
    }

    /**
     * @param credentials asked right before the push (tokens expire)
     * @param beforePush  told once the commit is verified and the push starts (a task records {@code PUSHING})
     */
    public PublishOutcome publish(Worktree wt, Publication p, Supplier<GitCredentials> credentials, Runnable beforePush) {
        Optional<String> onBranch = git.currentBranch(wt);
        if (onBranch.isEmpty() || !onBranch.get().equals(wt.branch())) {
            return new PublishOutcome.LeftBranch(wt.branch(), onBranch.orElse(null));
        }
        git.commitAll(wt, p.message(), AUTHOR_NAME, AUTHOR_EMAIL);
        if (git.commitsAhead(wt) == 0) {
            if (p.removeWhenEmpty()) {
                git.removeWorktree(wt, true);
            }
            return new PublishOutcome.NoChanges();
        }
        VerifyResult verify = p.verifyCommand() == null || p.verifyCommand().isBlank() ? null
                : verifier.verify(p.verifyCommand(), wt.dir(), p.logDir(), p.verifyTimeout());
        List<String> files = git.changedFiles(wt);
        DiffStat diff = git.diffStat(wt);
        beforePush.run();
        String sha = git.push(wt.repo(), wt.branch(), p.protectedBranch(), credentials.get());
        return new PublishOutcome.Pushed(sha, files, diff, verify);
    }
}
