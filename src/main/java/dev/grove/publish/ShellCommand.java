package dev.grove.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A repository's own command (verify, measure) run with {@code sh -c} in a worktree, with a small environment
 * (PATH, HOME, LANG: no secrets), a timeout, and its output kept in a log file.
 */
public final class ShellCommand {
    private ShellCommand() {
    }

    /** {@code exitCode} -1: it ran past its timeout (and was killed) or could not start. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank line of the output. */
        public String lastLine() {
            String last = "";
            for (String l : output.split("\\R")) {
                if (!l.isBlank()) last = l.strip();
            }
            return last;
        }
    }

    public static Result run(String command, Path dir, Duration timeout, Path logFile) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        String home = env.getOrDefault("HOME", dir.toString());
        String javaHome = env.get("JAVA_HOME");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", home);
        env.put("LANG", "C.UTF-8");
        if (javaHome != null) env.put("JAVA_HOME", javaHome);
        try {
            Files.createDirectories(logFile.getParent());
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, read(logFile) + "\n[grove: stopped after " + timeout.toSeconds() + "s]");
            }
            return new Result(p.exitValue(), read(logFile));
        } catch (IOException e) {
            return new Result(-1, "could not run `" + command + "`: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }
}
