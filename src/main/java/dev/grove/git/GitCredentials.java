package dev.grove.git;

/**
 * A username and password for git over HTTPS (for GitHub: {@code x-access-token} and the installation token).
 * Handed to JGit's credentials provider only; never put in a URL, an argument or a log line.
 */
public record GitCredentials(String username, String password) {
    public static GitCredentials installationToken(String token) {
        return new GitCredentials("x-access-token", token);
    }

    @Override
    public String toString() {
        return "GitCredentials[" + username + ", ****]";
    }
}
