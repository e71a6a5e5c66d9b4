package dev.grove.command;

import dev.grove.config.RepoConfig;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.config.CodeOwners;
import dev.grove.github.RepoFile;
import dev.grove.plan.Task;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one permission gate, for every command, label and check-run action: users whose role on the repository is at least the config's {@code permission} (default
 * write), read through the collaborator permission API and cached for {@link #TTL}. Bots never: their names end in
 * {@code [bot]}, and Grove is one of them, so it never obeys itself. With {@code require_code_owners}, {@link #tasks} also decides which tasks a user may run.
 */
public final class CommandAuthorizer {
    private static final Logger log = LoggerFactory.getLogger(CommandAuthorizer.class);
    public static final Duration TTL = Duration.ofSeconds(60);
    /** A user refused on an issue hears it once in this time, however often they comment. */
    public static final Duration REFUSAL_INTERVAL = Duration.ofHours(1);

    private record Cached(String role, Instant at) {
    }

    /** The decision and the role it was based on. */
    public record Decision(boolean allowed, String role) {
    }

    private final Clock clock;
    private final Map<String, Cached> roles = new ConcurrentHashMap<>();
    private final StateStore store;

    /** @param store where the refusals answered are kept, so that every process and a restart see them */
    public CommandAuthorizer(Clock clock, StateStore store) {
        this.clock = clock;
        this.store = store;
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
     * The gate every command, label and check-run action passes on {@code issue}: empty when {@code user} may command
     * Grove under the config; else the reply to post. The reply is empty (nothing to post) for bots, and for a user
     * already told on this issue within {@link #REFUSAL_INTERVAL}. When GitHub cannot say the user's permission, the
     * reply says so ({@link #couldNotCheck}) and nothing starts.
     */
    public Optional<String> refusal(GitHubGateway github, RepoRef repo, int issue, String user, RepoConfig config) {
        Decision d;
        try {
            d = check(github, repo, user, config);
        } catch (IOException e) {
            log.warn("{}#{}: could not read the permission of {}: {}", repo, issue, user, e.getMessage());
            return Optional.of(couldNotCheck(user, repo, e.getMessage()));
        }
        if (d.allowed()) {
            return Optional.empty();
        }
        log.info("{}#{}: {} ({}) may not command Grove", repo, issue, user, d.role());
        if ("bot".equals(d.role()) || !shouldAnswerRefusal(repo, issue, user)) {
            return Optional.of("");
        }
        return Optional.of(refusal(user, repo, config, d.role()));
    }

    /** Which of the wanted tasks the requester may run, and the reply naming the owners of the others (null: none). */
    public record TaskPermission(Set<Integer> allowed, String refusal) {
    }

    /**
     * With {@code require_code_owners}: the tasks among {@code wanted} the requester owns (all of them for an admin),
     * and one reply naming the owners of the others, read from the repository's CODEOWNERS. Without it: all of them.
     */
    public TaskPermission tasks(GitHubGateway github, RepoRef repo, String user, String ref, RepoConfig config,
            List<Task> planTasks, Set<Integer> wanted) {
        if (!config.requireCodeOwners()) {
            return new TaskPermission(wanted, null);
        }
        try {
            if ("admin".equals(check(github, repo, user, config).role())) {
                return new TaskPermission(wanted, null);
            }
            CodeOwners owners = CodeOwners.parse("");
            for (String path : CodeOwners.LOCATIONS) {
                Optional<RepoFile> f = github.readFile(repo, path, ref);
                if (f.isPresent()) {
                    owners = CodeOwners.parse(f.get().text());
                    break;
                }
            }
            Set<Integer> allowed = new TreeSet<>();
            List<String> refused = new ArrayList<>();
            for (Task t : planTasks) {
                if (!wanted.contains(t.number())) continue;
                if (owners.mayRun(user, t.paths())) {
                    allowed.add(t.number());
                } else {
                    Set<String> who = owners.ownersOf(t.paths());
                    refused.add("task " + t.number() + " (" + t.title() + "): " + (who == null || who.isEmpty()
                            ? "no one owns all of its paths, so only an admin can run it"
                            : "one of " + String.join(", ", who) + " (or an admin) can run it"));
                }
            }
            String reply = refused.isEmpty() ? null : "@" + user + " this repository requires code owners to run tasks"
                    + " (`require_code_owners: true`), and you do not own the paths of " + String.join("; ", refused)
                    + "." + (allowed.isEmpty() ? " Nothing was started." : " Starting the others: " + allowed + ".");
            return new TaskPermission(allowed, reply);
        } catch (IOException e) {
            log.warn("{}: could not read the permission of {} or CODEOWNERS: {}", repo, user, e.getMessage());
            return new TaskPermission(Set.of(), "@" + user + " Grove could not read the code owners of "
                    + repo.fullName() + " or your permission (GitHub: " + e.getMessage()
                    + "), so nothing was started. Please try again in a few minutes.");
        }
    }

    /**
     * Whether to answer this refusal: once per user and issue in {@link #REFUSAL_INTERVAL}, so an outsider who comments
     * again and again does not make Grove comment again and again. Kept in the state store: two processes, or one
     * restarted, answer once between them.
     */
    public boolean shouldAnswerRefusal(RepoRef repo, int issue, String user) {
        return store.claimRefusalReply(repo, issue, user, clock.instant(), REFUSAL_INTERVAL);
    }

    /** The reply when the permission could not be read (GitHub failing even after retries): nothing started. */
    public static String couldNotCheck(String user, RepoRef repo, String reason) {
        String why = reason == null ? "" : reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
        return "@" + user + " Grove could not check your permission on " + repo.fullName() + " (GitHub: "
                + why.replace("`", "'") + "), so nothing was started. Please try the command again in a few minutes.";
    }
}
