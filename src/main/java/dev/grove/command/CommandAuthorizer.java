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
    /** A user refused on an issue hears it once in this time, however often they comment. */
    public static final Duration REFUSAL_INTERVAL = Duration.ofHours(1);
    private static final int REFUSALS_KEPT = 10_000;

    private record Cached(String role, Instant at) {
    }

    /** The decision and the role it was based on. */
    public record Decision(boolean allowed, String role) {
    }

    private final Clock clock;
    private final Map<String, Cached> roles = new ConcurrentHashMap<>();
    private final Map<String, Instant> refusals = new ConcurrentHashMap<>();

    public CommandAuthorizer(Clock clock) {
        this.clock = clock;
    }

    /** Logins of bots (GitHub Apps, Grove included) end in {@code [bot]}; they never command Grove. */
    public static boolean isBot(String user) {
        return user == null || user.isBlank() || user.toLowerCase(java.util.Locale.ROOT).endsWith("[bot]");
    }

    public Decision check(GitHubGateway github, RepoRef repo, String user, RepoConfig config) throws IOException {
        if (isBot(user)) {
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

    /**
     * Whether to answer this refusal: once per user and issue in {@link #REFUSAL_INTERVAL}, so an outsider who comments
     * again and again does not make Grove comment again and again.
     */
    public boolean shouldAnswerRefusal(RepoRef repo, int issue, String user) {
        Instant now = clock.instant();
        String key = repo.fullName() + "#" + issue + "\n" + user.toLowerCase(java.util.Locale.ROOT);
        if (refusals.size() > REFUSALS_KEPT) {
            refusals.values().removeIf(at -> Duration.between(at, now).compareTo(REFUSAL_INTERVAL) >= 0);
        }
        boolean[] answer = new boolean[1];
        refusals.compute(key, (k, last) -> {
            if (last == null || Duration.between(last, now).compareTo(REFUSAL_INTERVAL) >= 0) {
                answer[0] = true;
                return now;
            }
            return last;
        });
        return answer[0];
    }

    /** The reply when the permission could not be read (GitHub failing even after retries): nothing started. */
    public static String couldNotCheck(String user, RepoRef repo, String reason) {
        String why = reason == null ? "" : reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
        return "@" + user + " Grove could not check your permission on " + repo.fullName() + " (GitHub: "
                + why.replace("`", "'") + "), so nothing was started. Please try the command again in a few minutes.";
    }
}
