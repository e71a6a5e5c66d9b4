package dev.grove.git;

import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

/**
 * Grove's only way of handing credentials to git: JGit asks it, in memory, for the URL it is about to reach, and it
 * answers only for the scheme, host and port of the clone URL Grove chose. A push redirected elsewhere (a rewritten
 * remote, an {@code insteadOf}, an HTTP redirect) gets no token.
 */
final class HostBoundCredentials extends CredentialsProvider {

    private final GitCredentials credentials;
    private final URIish allowed;

    HostBoundCredentials(GitCredentials credentials, String cloneUrl) {
        this.credentials = credentials;
        try {
            this.allowed = new URIish(cloneUrl);
        } catch (URISyntaxException e) {
            throw new GitException("not a clone URL: " + cloneUrl, e);
        }
    }

    /** Whether credentials may go to {@code uri}: the same scheme, host and port as the clone URL. */
    boolean mayReceive(URIish uri) {
        return uri != null && allowed.getHost() != null
                && Objects.equals(lower(allowed.getScheme()), lower(uri.getScheme()))
                && allowed.getHost().equalsIgnoreCase(uri.getHost())
                && port(allowed) == port(uri);
    }

    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem item : items) {
            if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) {
        if (!mayReceive(uri) || !supports(items)) {
            return false;
        }
        for (CredentialItem item : items) {
            if (item instanceof CredentialItem.Username u) {
                u.setValue(credentials.username());
            } else if (item instanceof CredentialItem.Password p) {
                p.setValue(credentials.password().toCharArray());
            }
        }
        return true;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URIish uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        String scheme = lower(uri.getScheme());
        return "http".equals(scheme) ? 80 : "https".equals(scheme) ? 443 : -1;
    }
}
