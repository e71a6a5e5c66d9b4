package dev.grove.config;

import dev.grove.github.GitHubGateway;
import dev.grove.github.RepoFile;
import dev.grove.model.RepoRef;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code .github/grove.yml} from the default branch through the contents API on each trigger; the parsed
 * result is cached by the file's blob sha, so an unchanged file is parsed once. No file means the defaults. A file
 * that cannot be fetched (GitHub failing even after retries) fails closed: {@link Loaded#unreadable()} says why, and
 * nothing may run on the defaults, which could be looser than the file (e.g. {@code permission: admin}).
 */
public final class RepoConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(RepoConfigLoader.class);
    private static final int CACHE_LIMIT = 500;

    private final RepoConfig defaults;
    private final Set<String> agents;
    private final RepoConfigParser parser = new RepoConfigParser();
    private final Map<String, RepoConfigParser.Result> bySha = new ConcurrentHashMap<>();

    /** @param agents the agent names the server defines (today just {@code default}) */
    public RepoConfigLoader(RepoConfig defaults, Set<String> agents) {
        this.defaults = defaults;
        this.agents = Set.copyOf(agents);
    }

    /**
     * The repository's config, its problems, and the blob sha it came from (null: no file). {@code unreadable} is set
     * (and {@code config} is only the defaults, not to be run on) when the file could not be read from GitHub.
     */
    public record Loaded(RepoConfig config, List<ConfigProblem> problems, String sha, String unreadable) {
        public Loaded(RepoConfig config, List<ConfigProblem> problems, String sha) {
            this(config, problems, sha, null);
        }

        /** False when the file could not be read: then nothing may run. */
        public boolean readable() {
            return unreadable == null;
        }
    }

    public RepoConfig defaults() {
        return defaults;
    }

    public Loaded load(GitHubGateway github, RepoRef repo, String defaultBranch) {
        Optional<RepoFile> file;
        try {
            file = github.readFile(repo, RepoConfig.PATH, defaultBranch);
        } catch (IOException | RuntimeException e) {
            log.warn("could not read {} of {}: {}", RepoConfig.PATH, repo, e.getMessage());
            return new Loaded(defaults, List.of(), null, String.valueOf(e.getMessage()));
        }
        if (file.isEmpty()) {
            return new Loaded(defaults, List.of(), null);
        }
        RepoFile f = file.get();
        if (bySha.size() > CACHE_LIMIT) {
            bySha.clear();
        }
        RepoConfigParser.Result r = bySha.computeIfAbsent(f.sha(), sha -> parser.parse(f.text(), defaults, agents));
        return new Loaded(r.config(), r.problems(), f.sha());
    }

    /** The comment that says nothing was started because the config could not be read. */
    public static String unreadableComment(String reason) {
        String why = reason == null ? "" : reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
        return "Grove could not read `" + RepoConfig.PATH + "` from GitHub (" + why.replace("`", "'") + "), so nothing"
                + " was started: running on the defaults could allow what the file forbids. Try again in a few minutes.";
    }

    /** The comment that reports a config's problems on an issue. */
    public static String problemsComment(List<ConfigProblem> problems) {
        StringBuilder md = new StringBuilder("Grove found problems in `" + RepoConfig.PATH + "` (on the default branch);"
                + " it used the defaults for these and went on:\n\n");
        problems.forEach(p -> md.append("- ").append(p).append('\n'));
        md.append("\nFix the file on the default branch; the next trigger reads it again.");
        return md.toString();
    }
}
