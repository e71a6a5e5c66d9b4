package dev.grove.command;

import dev.grove.config.RepoConfig;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may command Grove: users whose role on the repository is at least the config's {@code permission} (default
 * write), read through the collaborator permission API and cached for {@link #TTL}. Bots never: their names end in
 * {@code [bot]}, and Grove is one of them, so it never obeys itself.
 */
public final class CommandAuthorizer {
    public static final Duration TTL = Duration.ofSeconds(60);

    private record Cached(String role, Instant at) {
    }

    /** The decision and the role it was based on. */
    public record Decision(boolean allowed, String role) {
    }

    private final Clock clock;
    private final Map<String, Cached> roles = new ConcurrentHashMap<>();

    public CommandAuthorizer(Clock clock) {
        this.clock = clock;
    }

    public Decision check(GitHubGateway github, RepoRef repo, String user, RepoConfig config) throws IOException {
        if (user == null || user.isBlank() || user.toLowerCase(java.util.Locale.ROOT).endsWith("[bot]")) {
            return new Decision(false, "bot");
        }
        String key = repo.fullName() + "\n" + user.toLowerCase(java.util.Locale.ROOT);
        Instant now = clock.instant();
        Cached c = roles.get(key);
        if (c == null || Duration.between(c.at(), now).compareTo(TTL) >= 0) {
            c = new Cached(github.roleOf(repo, user), now);
            roles.put(key, c);
        }
        return new Decision(config.allows(c.role()), c.role());
    }

    /** The one polite reply to someone who may not command Grove. */
    public static String refusal(String user, RepoRef repo, RepoConfig config, String role) {
        return "@" + user + " Grove takes commands only from people with " + config.permission() + " access to "
                + repo.fullName() + " (or more; yours: " + role + "), so nothing was started. Ask a maintainer to"
                + " run the command.";
    }
}
