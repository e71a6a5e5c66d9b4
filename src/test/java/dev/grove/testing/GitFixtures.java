package dev.grove.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real git repositories for tests, made with the git CLI: a bare {@code origin} with a first commit on
 * {@code main}, more commits on it later, and a look at its refs.
 *
 * <p>Every git run here uses a fixed identity ({@link #NAME} / {@link #EMAIL}, dates included) and ignores the
 * machine's global and system git config, so results do not depend on who runs the tests.
 *
 * <pre>{@code
 * Path origin = GitFixtures.createOrigin(tempDir);            // tempDir/origin.git, main = 1 commit
 * String url = GitFixtures.fileUrl(origin);                   // file:///.../origin.git
 * String sha = GitFixtures.commitOnOrigin(origin, "main", Map.of("NEWS.md", "hi\n"), "news");
 * assertEquals(sha, GitFixtures.originBranchSha(origin, "main"));
 * }</pre>
 */
public final class GitFixtures {

    /** The branch {@link #createOrigin} starts. */
    public static final String MAIN = "main";
    public static final String NAME = "Grove Fixture";
    public static final String EMAIL = "fixture@grove.invalid";

    /** The files of origin's first commit on {@code main}. */
    public static final Map<String, String> INITIAL_FILES = initialFiles();

    private GitFixtures() {
    }

    private static Map<String, String> initialFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "# Demo\n\nA repository for Grove's tests.\n");
        files.put("src/main/java/demo/App.java", "package demo;\n\npublic class App {\n}\n");
        files.put("docs/guide.md", "# Guide\n");
        return Map.copyOf(files);
    }

    /** Creates a bare repository {@code parent/origin.git} whose {@code main} holds {@link #INITIAL_FILES}. */
    public static Path createOrigin(Path parent) {
        return createOrigin(parent, "origin.git");
    }

    /** Like {@link #createOrigin(Path)} with another folder name (for several origins in one test). */
    public static Path createOrigin(Path parent, String name) {
        Path origin = parent.resolve(name).toAbsolutePath();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runGit(parent, "init", "--quiet", "--bare", "--initial-branch=" + MAIN, origin.toString());
        commitOnOrigin(origin, MAIN, INITIAL_FILES, "Initial commit");
        return origin;
    }

    /** The {@code file://} URL of a local repository, as a clone URL. */
    public static String fileUrl(Path repository) {
        return "file://" + repository.toAbsolutePath().normalize();
    }

    /**
     * Adds one commit on origin's {@code branch} (created from {@code main} when missing) that writes the given
     * files; a {@code null} content deletes the file. Returns the new commit's sha.
     */
    public static String commitOnOrigin(Path origin, String branch, Map<String, String> files, String message) {
        Path work = tempDir("grove-fixture-");
        try {
            runGit(work, "init", "--quiet", "--initial-branch=" + branch, ".");
            runGit(work, "remote", "add", "origin", origin.toAbsolutePath().toString());
            runGit(work, "fetch", "--quiet", "origin");
            if (hasRef(work, "refs/remotes/origin/" + branch)) {
                runGit(work, "reset", "--quiet", "--hard", "origin/" + branch);
            } else if (hasRef(work, "refs/remotes/origin/" + MAIN)) {
                runGit(work, "reset", "--quiet", "--hard", "origin/" + MAIN);
            }
            for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
                Path path = work.resolve(file.getKey());
                if (file.getValue() == null) {
                    Files.deleteIfExists(path);
                } else {
                    Files.createDirectories(path.getParent());
                    Files.writeString(path, file.getValue());
                }
            }
            runGit(work, "add", "--all");
            runGit(work, "commit", "--quiet", "--allow-empty", "-m", message);
            runGit(work, "push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
            return runGit(work, "rev-parse", "HEAD");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteRecursively(work);
        }
    }

    /** Shorthand for one file. */
    public static String commitOnOrigin(Path origin, String branch, String file, String content, String message) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(file, content);
        return commitOnOrigin(origin, branch, files, message);
    }

    /** The commit origin's {@code branch} points at; fails when the branch does not exist. */
    public static String originBranchSha(Path origin, String branch) {
        return runGit(origin, "rev-parse", "--verify", "refs/heads/" + branch + "^{commit}");
    }

    /** Every ref of a repository and its sha (full names, e.g. {@code refs/heads/main}); compare before/after. */
    public static Map<String, String> refs(Path repository) {
        Map<String, String> refs = new TreeMap<>();
        String out = runGit(repository, "for-each-ref", "--format=%(refname) %(objectname)");
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                int space = line.indexOf(' ');
                refs.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return refs;
    }

    /**
     * Writes an executable hook (e.g. {@code pre-receive}, {@code post-receive}) into a bare repository. The body is
     * a shell script without the {@code #!} line.
     */
    public static void installHook(Path bareRepository, String hook, String body) {
        Path file = bareRepository.resolve("hooks").resolve(hook);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code git args...} in {@code dir}; returns trimmed stdout, throws {@link AssertionError} on failure. */
    public static String runGit(Path dir, String... args) {
        GitResult result = tryGit(dir, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " in " + dir + " exited " + result.exitCode()
                    + ": " + result.output());
        }
        return result.stdout().strip();
    }

    /** The outcome of {@link #tryGit}: exit code, stdout, and stdout+stderr for messages. */
    public record GitResult(int exitCode, String stdout, String output) {
    }

    /** Runs {@code git args...} in {@code dir} and returns what happened, failing or not. */
    public static GitResult tryGit(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("LC_ALL", "C");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_AUTHOR_NAME", NAME);
        env.put("GIT_AUTHOR_EMAIL", EMAIL);
        env.put("GIT_COMMITTER_NAME", NAME);
        env.put("GIT_COMMITTER_EMAIL", EMAIL);
        env.put("GIT_AUTHOR_DATE", "2024-01-01T12:00:00Z");
        env.put("GIT_COMMITTER_DATE", "2024-01-01T12:00:00Z");
        Path errFile = null;
        try {
            errFile = Files.createTempFile("grove-git-err", ".txt");
            pb.redirectError(errFile.toFile());
            Process process = pb.start();
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("git " + String.join(" ", args) + " timed out");
            }
            String stderr = Files.readString(errFile);
            return new GitResult(process.exitValue(), stdout, (stdout + stderr).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (errFile != null) {
                errFile.toFile().delete();
            }
        }
    }

    private static boolean hasRef(Path dir, String ref) {
        return tryGit(dir, "rev-parse", "--verify", "--quiet", ref).exitCode() == 0;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and everything in it (quietly; for clean-up). */
    public static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
