package dev.grove.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One process Grove starts on a repository's behalf (an agent, the planner, {@code verify}, {@code measure}):
 * {@code command} in {@code workDir} (the worktree: the only folder it may write, besides {@code writable}), exactly
 * {@code env}, {@code stdin} fed then closed, a wall-time limit, its output (stdout and stderr merged) kept in
 * {@code logFile} and handed line by line to {@code onLine}. {@code readable} are further files or folders it may
 * read (its prompt file, the agent's program); {@code writable} further folders it may write (Claude Code's config
 * folder). {@code label} names it in Grove's log (e.g. {@code octo/shop#7 task-1 agent}).
 */
public record Launch(String label, List<String> command, Path workDir, Map<String, String> env, byte[] stdin,
        Duration timeout, Path logFile, Consumer<String> onLine, Cancellable cancel, NetworkPolicy network,
        List<Path> readable, List<Path> writable) {

    public Launch {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        stdin = stdin == null ? new byte[0] : stdin;
        onLine = onLine == null ? line -> { } : onLine;
        cancel = cancel == null ? Cancellable.NEVER : cancel;
        network = network == null ? NetworkPolicy.none() : network;
        readable = List.copyOf(readable == null ? List.of() : readable);
        writable = List.copyOf(writable == null ? List.of() : writable);
        label = label == null ? String.valueOf(workDir) : label;
    }

    /** No network, nothing more to read or write than the worktree. */
    public static Launch of(String label, List<String> command, Path workDir, Map<String, String> env, Duration timeout,
            Path logFile) {
        return new Launch(label, command, workDir, env, null, timeout, logFile, null, null, NetworkPolicy.none(),
                List.of(), List.of());
    }

    public Launch withStdin(byte[] bytes) {
        return new Launch(label, command, workDir, env, bytes, timeout, logFile, onLine, cancel, network, readable, writable);
    }

    public Launch withOutput(Consumer<String> lines) {
        return new Launch(label, command, workDir, env, stdin, timeout, logFile, lines, cancel, network, readable, writable);
    }

    public Launch withCancel(Cancellable c) {
        return new Launch(label, command, workDir, env, stdin, timeout, logFile, onLine, c, network, readable, writable);
    }

    public Launch withNetwork(NetworkPolicy n) {
        return new Launch(label, command, workDir, env, stdin, timeout, logFile, onLine, cancel, n, readable, writable);
    }

    public Launch withReadable(List<Path> r) {
        return new Launch(label, command, workDir, env, stdin, timeout, logFile, onLine, cancel, network, r, writable);
    }

    public Launch withWritable(List<Path> w) {
        return new Launch(label, command, workDir, env, stdin, timeout, logFile, onLine, cancel, network, readable, w);
    }
}
