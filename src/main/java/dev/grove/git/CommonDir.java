package dev.grove.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;

/**
 * The shared part of a cached clone (its {@code config}, {@code hooks/} and {@code info/attributes}) as Grove wrote
 * it. Until agents run in a sandbox that mounts it read-only, anything in it may have been written by an agent, and
 * every git command of Grove reads it; so before each git step Grove checks it against what Grove itself wrote last:
 * <ul>
 *   <li>{@code config} byte for byte (or, before Grove has written it in this process, only the keys Grove writes:
 *       {@code core.*} basics, {@code remote.origin.url} equal to the clone URL, {@code remote.origin.fetch},
 *       {@code branch.B.remote=origin} and {@code branch.B.merge=refs/heads/B}); so no {@code url.X.insteadOf},
 *       {@code pushurl}, {@code include}, {@code filter}, {@code diff}, {@code core.fsmonitor}, {@code http.*}...;</li>
 *   <li>{@code hooks/} holds no file but git's {@code *.sample}s (hooks are off anyway; one there means tampering);</li>
 *   <li>{@code info/attributes} is Grove's: it switches off, for every path, the filters, diff and merge drivers a
 *       repository's {@code .gitattributes} may name.</li>
 * </ul>
 * A mismatch refuses the step ({@link TamperedCloneException}); {@link #restore} (run by every sync) writes the
 * config back to Grove's keys only and removes planted hooks.
 */
final class CommonDir {

    /** Overrides, for every path, the attributes through which a repository's .gitattributes could run commands. */
    static final String ATTRIBUTES = "* !filter !diff !merge !ident !working-tree-encoding\n";

    private static final Set<String> CORE_KEYS = Set.of("repositoryformatversion", "filemode", "bare",
            "logallrefupdates", "symlinks", "ignorecase", "precomposeunicode");
    private static final String FETCH_SPEC = "+refs/heads/*:refs/remotes/origin/*";

    /** The config bytes Grove last wrote or checked, per clone (JVM-wide: one cache has one set of clones). */
    private static final Map<Path, String> WRITTEN = new ConcurrentHashMap<>();

    private CommonDir() {
    }

    /** Thrown when the clone's shared files are not what Grove wrote. */
    static final class TamperedCloneException extends GitException {
        TamperedCloneException(Path gitDir, String what) {
            super("the cached clone " + gitDir + " was changed by someone other than Grove (" + what
                    + "); refusing to run git on it. Grove restores it at the next sync of the repository");
        }
    }

    /**
     * Checks the clone at {@code gitDir}; {@code cloneUrl} is the URL Grove set for origin (null: any URL, only for
     * steps that never reach the network).
     */
    static void verify(Path gitDir, String cloneUrl) {
        Path key = gitDir.toAbsolutePath().normalize();
        String text = readConfig(key);
        String written = WRITTEN.get(key);
        if (written == null) {
            List<String> wrong = foreignEntries(key, text, cloneUrl);
            if (!wrong.isEmpty()) {
                throw new TamperedCloneException(key, "config: " + String.join(", ", wrong));
            }
            WRITTEN.putIfAbsent(key, text);
        } else if (!written.equals(text)) {
            throw new TamperedCloneException(key, "config differs from what Grove wrote");
        } else if (cloneUrl != null) {
            List<String> wrong = foreignEntries(key, text, cloneUrl);
            if (!wrong.isEmpty()) {
                throw new TamperedCloneException(key, "config: " + String.join(", ", wrong));
            }
        }
        List<String> hooks = plantedHooks(key);
        if (!hooks.isEmpty()) {
            throw new TamperedCloneException(key, "hooks: " + String.join(", ", hooks));
        }
        Path attributes = key.resolve("info").resolve("attributes");
        if (!Files.isRegularFile(attributes, LinkOption.NOFOLLOW_LINKS) || !ATTRIBUTES.equals(read(attributes))) {
            throw new TamperedCloneException(key, "info/attributes");
        }
    }

    /** Records the config as Grove just wrote it (call under the clone's lock, right after writing). */
    static void written(Path gitDir) {
        Path key = gitDir.toAbsolutePath().normalize();
        WRITTEN.put(key, readConfig(key));
    }

    /**
     * Brings the clone back to what Grove writes: the config keeps only Grove's keys (origin's URL set to
     * {@code cloneUrl}), planted hooks are deleted, {@code info/attributes} is rewritten. Returns what it undid.
     */
    static List<String> restore(Path gitDir, String cloneUrl) throws IOException {
        Path key = gitDir.toAbsolutePath().normalize();
        List<String> undone = new ArrayList<>();
        Path config = key.resolve("config");
        String text = Files.isSymbolicLink(config) || !Files.isRegularFile(config) ? "" : read(config);
        Config old = parse(text);
        Config fresh = new Config();
        fresh.setInt("core", null, "repositoryformatversion", 0);
        fresh.setBoolean("core", null, "filemode", true);
        fresh.setBoolean("core", null, "bare", true);
        fresh.setString("remote", "origin", "url", cloneUrl);
        fresh.setString("remote", "origin", "fetch", FETCH_SPEC);
        if (old != null) {
            for (String branch : old.getSubsections("branch")) {
                if (Constants.R_HEADS.concat(branch).equals(old.getString("branch", branch, "merge"))
                        && "origin".equals(old.getString("branch", branch, "remote"))
                        && Repository.isValidRefName(Constants.R_HEADS + branch)) {
                    fresh.setString("branch", branch, "remote", "origin");
                    fresh.setString("branch", branch, "merge", Constants.R_HEADS + branch);
                }
            }
            undone.addAll(foreignEntries(key, text, cloneUrl));
        } else {
            undone.add("config could not be read");
        }
        String freshText = fresh.toText();
        if (!freshText.equals(text) || Files.isSymbolicLink(config)) {
            deleteTree(config);
            Files.writeString(config, freshText, StandardCharsets.UTF_8);
        }
        for (String hook : plantedHooks(key)) {
            Path file = key.resolve("hooks").resolve(hook);
            deleteTree(file);
            undone.add("hook " + hook);
        }
        Path info = key.resolve("info");
        if (Files.isSymbolicLink(info) || (Files.exists(info) && !Files.isDirectory(info))) {
            deleteTree(info);
        }
        Files.createDirectories(info);
        Path attributes = info.resolve("attributes");
        if (!Files.isRegularFile(attributes, LinkOption.NOFOLLOW_LINKS) || !ATTRIBUTES.equals(read(attributes))) {
            if (Files.exists(attributes, LinkOption.NOFOLLOW_LINKS)) {
                undone.add("info/attributes");
            }
            deleteTree(attributes);
            Files.writeString(attributes, ATTRIBUTES, StandardCharsets.UTF_8);
        }
        WRITTEN.put(key, freshText);
        return undone;
    }

    /** Every entry of the config Grove does not write, as {@code section[.sub].name}. */
    static List<String> foreignEntries(Path gitDir, String text, String cloneUrl) {
        Config config = parse(text);
        if (config == null) {
            return List.of("not a valid git config");
        }
        List<String> wrong = new ArrayList<>();
        for (String section : config.getSections()) {
            String s = section.toLowerCase(Locale.ROOT);
            for (String name : config.getNames(section)) {
                String n = name.toLowerCase(Locale.ROOT);
                if (!s.equals("core") || !CORE_KEYS.contains(n) || config.getStringList(section, null, name).length > 1) {
                    wrong.add(section + "." + name);
                }
            }
            for (String sub : config.getSubsections(section)) {
                for (String name : config.getNames(section, sub)) {
                    if (!allowed(config, s, sub, name.toLowerCase(Locale.ROOT), cloneUrl)) {
                        wrong.add(section + "." + sub + "." + name);
                    }
                }
            }
        }
        return wrong;
    }

    private static boolean allowed(Config config, String section, String sub, String name, String cloneUrl) {
        String[] values = config.getStringList(section, sub, name);
        if (values.length != 1) {
            return false;
        }
        String value = values[0];
        if (section.equals("remote") && sub.equals("origin")) {
            return switch (name) {
                case "url" -> cloneUrl == null || cloneUrl.equals(value);
                case "fetch" -> FETCH_SPEC.equals(value);
                default -> false;
            };
        }
        if (section.equals("branch")) {
            return switch (name) {
                case "remote" -> "origin".equals(value);
                case "merge" -> (Constants.R_HEADS + sub).equals(value);
                default -> false;
            };
        }
        return false;
    }

    /** Files in {@code hooks/} other than git's own samples. */
    static List<String> plantedHooks(Path gitDir) {
        Path hooks = gitDir.resolve("hooks");
        if (Files.isSymbolicLink(hooks) || (Files.exists(hooks) && !Files.isDirectory(hooks))) {
            return List.of(".");
        }
        if (!Files.isDirectory(hooks)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(hooks)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".sample") || Files.isSymbolicLink(hooks.resolve(n)))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
    }

    private static Config parse(String text) {
        Config config = new Config();
        try {
            config.fromText(text);
            return config;
        } catch (ConfigInvalidException e) {
            return null;
        }
    }

    private static String readConfig(Path gitDir) {
        Path config = gitDir.resolve("config");
        if (Files.isSymbolicLink(config)) {
            throw new TamperedCloneException(gitDir, "config is a symbolic link");
        }
        return Files.isRegularFile(config) ? read(config) : "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GitException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
        }
        Files.delete(path);
    }
}
