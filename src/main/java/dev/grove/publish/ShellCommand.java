package dev.grove.publish;

import dev.grove.sandbox.Launch;
import dev.grove.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A repository's own command (verify, measure) run with {@code sh -c} in a worktree, in Grove's sandbox with no
 * network, a small environment (PATH, HOME, LANG, JAVA_HOME: no secrets), a timeout, and its output kept in a log file.
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
        Map<String, String> server = System.getenv();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", server.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", server.getOrDefault("HOME", dir.toString()));
        env.put("LANG", "C.UTF-8");
        if (server.get("JAVA_HOME") != null) env.put("JAVA_HOME", server.get("JAVA_HOME"));
        String label = dir.getFileName() + " `" + command + "`";
        Sandbox.Result r = Sandbox.system().run(Launch.of(label, List.of("sh", "-c", command), dir, env, timeout, logFile));
        try {
            return switch (r.ending()) {
                case EXITED -> new Result(r.exitCode(), read(logFile));
                case TIMED_OUT -> new Result(-1, read(logFile) + "\n[grove: stopped after " + timeout.toSeconds() + "s]");
                case NOT_STARTED -> new Result(-1, "could not run `" + command + "`: " + r.problem());
                case CANCELLED, INTERRUPTED -> new Result(-1, read(logFile) + "\n[grove: stopped]");
            };
        } catch (IOException e) {
            return new Result(-1, "could not read the output of `" + command + "`: " + e.getMessage());
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }
}
