package dev.grove.github;

import java.io.IOException;

/** Installation access tokens, for the GitHub API and for git over HTTPS. Never log what this returns. */
public interface TokenSource {
    String installationToken(long installationId) throws IOException;
}
