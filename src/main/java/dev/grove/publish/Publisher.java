package dev.grove.publish;

import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.model.DiffStat;
import dev.grove.model.VerifyNote;
import dev.grove.report.Redactor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Publishes an agent's work, the same way for a task, a revise and a {@code /grove try} attempt: check the worktree is
 * still on its branch, commit everything as Grove, run the verify command, and only then push under the push guard
 * (only the branch itself, never the protected default branch; origin read back). Before the push, every line the
 * branch's commits add is scanned for secrets (the values the redactor knows, and private-key and token shapes): if
 * one holds a secret, nothing is pushed ({@link SecretInPushException}, naming the file, never the secret).
 */
public final class Publisher {
    public static final String AUTHOR_NAME = "grove[bot]";
    public static final String AUTHOR_EMAIL = "grove[bot]@users.noreply.github.com";

    private final GitClient git;
    private final Verifier verifier;
    private final Redactor secrets;

    /** Scans pushes for secret shapes only (no known values): the offline demo, tests. */
    public Publisher(GitClient git) {
        this(git, new Verifier(), Redactor.none());
    }

    /** @param secrets what counts as a secret in a push: the server's redactor (its secrets, agents' keys, tokens) */
    public Publisher(GitClient git, Redactor secrets) {
        this(git, new Verifier(), secrets);
    }

    public Publisher(GitClient git, Verifier verifier) {
        this(git, verifier, Redactor.none());
    }

    public Publisher(GitClient git, Verifier verifier, Redactor secrets) {
        this.git = git;
        this.verifier = verifier;
        this.secrets = secrets;
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
     * @param beforePush  told once the commit is verified and the push starts, with what verify said of the commit
     *                    (null: no verify command); a task records {@code PUSHING} with it
     */
    public PublishOutcome publish(Worktree wt, Publication p, Supplier<GitCredentials> credentials,
            Consumer<VerifyNote> beforePush) {
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
        refuseSecrets(wt);
        VerifyResult verify = p.verifyCommand() == null || p.verifyCommand().isBlank() ? null
                : verifier.verify(p.verifyCommand(), wt.dir(), p.logDir(), p.verifyTimeout());
        List<String> files = git.changedFiles(wt);
        DiffStat diff = git.diffStat(wt);
        beforePush.accept(verify == null ? null : verify.note(git.head(wt)));
        String sha = git.push(wt.repo(), wt.branch(), p.protectedBranch(), credentials.get());
        return new PublishOutcome.Pushed(sha, files, diff, verify);
    }

    /** Throws if a line the branch adds holds a secret; the message names the file and the kind, never the value. */
    private void refuseSecrets(Worktree wt) {
        for (Map.Entry<String, List<String>> file : git.addedLines(wt).entrySet()) {
            for (String line : file.getValue()) {
                Optional<String> found = secrets.findSecret(line);
                if (found.isPresent()) {
                    throw new SecretInPushException("refusing to push `" + wt.branch() + "`: `" + file.getKey()
                            + "` adds a line holding " + found.get() + ". Nothing was pushed; the commit, the branch "
                            + "and the log are kept on the runner. Take the secret out of the change, then retry");
                }
            }
        }
    }
}
