package dev.grove.worktree;

import dev.grove.git.GitCredentials;
import dev.grove.github.TokenSource;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Installation tokens as git credentials: asked for before each git network call, since tokens expire hourly. */
public final class GitTokens {
    private GitTokens() {
    }

    /** Credentials for the installation, or null where git needs none ({@code tokens} null: the offline demo). */
    public static GitCredentials credentials(TokenSource tokens, long installationId) {
        if (tokens == null) {
            return null;
        }
        try {
            return GitCredentials.installationToken(tokens.installationToken(installationId));
        } catch (IOException e) {
            throw new UncheckedIOException("could not get an installation token for git: " + e.getMessage(), e);
        }
    }
}
