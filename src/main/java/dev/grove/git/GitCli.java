package dev.grove.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code git} command line for the local operations JGit cannot do (linked worktrees) or does less simply.
 *
 * <p>A worktree is data, not a repository git may discover: every run names its git dir, common dir and work tree
 * ({@code GIT_DIR}, {@code GIT_COMMON_DIR}, {@code GIT_WORK_TREE}), so a worktree's {@code .git} file, which its agent
 * can replace, is never read. The child gets a scrubbed environment: only {@code PATH}, no {@code HOME}, no
 * {@code GIT_*} variables of the JVM, the global and system git config and attributes switched off, no terminal
 * prompts, hooks disabled with {@code core.hooksPath=/dev/null}, no fsmonitor. The clone's own config and
 * {@code info/attributes} are checked by {@link CommonDir} before each run. It never gets credentials: network
 * operations go through JGit.
 */
final class GitCli {

    /**
     * Where one git run works: {@code gitDir} (a bare clone, or a linked worktree's own folder under the clone's
     * {@code worktrees/}), the clone itself ({@code commonDir}) and the work tree (null for the bare clone).
     */
    record Target(Path gitDir, Path commonDir, Path workTree) {
        static Target bare(Path gitDir) {
            return new Target(gitDir, gitDir, null);
        }

        Path cwd() {
            return workTree != null ? workTree : gitDir;
        }
    }

    /** The outcome of one git run; a non-zero exit is data here, not an exception. */
    record Result(List<String> args, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** True when git failed because another process held one of its lock files. */
        boolean lockContention() {
            String err = stderr.toLowerCase(java.util.Locale.ROOT);
            return !ok() && (err.contains(".lock'") || err.contains("could not lock") || err.contains("unable to lock")
                    || err.contains("cannot lock"));
        }

        String describe() {
            String why = stderr.isBlank() ? stdout.strip() : stderr.strip();
            return "git " + String.join(" ", args) + " exited " + exitCode + (why.isEmpty() ? "" : ": " + why);
        }
    }

    private final Duration timeout;

    GitCli(Duration timeout) {
        this.timeout = timeout;
    }

    GitCli() {
        this(Duration.ofMinutes(10));
    }

    /** Runs {@code git args...} on {@code target}; returns whatever happened. */
    Result run(Target target, List<String> args) {
        // umask 077: clones and worktrees of private repositories are readable by Grove alone
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 077 && exec git \"$@\"", "git",
                "-c", "core.hooksPath=/dev/null",
                "-c", "core.fsmonitor=false", "-c", "core.attributesFile=/dev/null", "-c", "protocol.allow=never"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(target.cwd().toFile());
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("GIT_DIR", target.gitDir().toString());
        env.put("GIT_COMMON_DIR", target.commonDir().toString());
        if (target.workTree() != null) {
            env.put("GIT_WORK_TREE", target.workTree().toString());
        }
        env.put("GIT_ATTR_NOSYSTEM", "1");
        env.put("GIT_NO_REPLACE_OBJECTS", "1");
        env.put("LC_ALL", "C");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_OPTIONAL_LOCKS", "0");
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GitException("git " + String.join(" ", args) + " timed out after " + timeout);
            }
            return new Result(List.copyOf(args), process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new GitException("could not run git (is it installed and on PATH?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while running git " + String.join(" ", args), e);
        }
    }

    /** Runs git and returns its trimmed stdout; throws {@link GitException} with git's message on failure. */
    String check(Target target, String... args) {
        Result result = run(target, List.of(args));
        if (!result.ok()) {
            throw new GitException(result.describe());
        }
        return result.stdout().strip();
    }

    /**
     * Like {@link #check} but retries a few times, with backoff, when git failed on a lock file another process
     * held (several tasks of one repository starting at once). {@code beforeRetry} cleans up a half-done attempt.
     */
    Result runRetryingOnLocks(Target target, List<String> args, int attempts, Runnable beforeRetry) {
        Result result = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            result = run(target, args);
            if (result.ok() || !result.lockContention() || attempt == attempts) {
                return result;
            }
            beforeRetry.run();
            sleep(50L * (1L << attempt) + (long) (Math.random() * 50));
        }
        return result;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while waiting to retry git", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
