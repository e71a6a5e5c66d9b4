package dev.grove.app;

import dev.grove.agent.AgentDefinition;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /readyz}: Grove is ready when each of its checks passes, in order: the database (the state store can be
 * read), the data folder (writable) and the default agent's CLI (found and executable). A check answers empty when
 * all is well, or the problem in one sentence. Checks are pluggable: a database-backed store brings its own.
 */
public final class Readiness {
    /** One named check; {@code problem} returns empty when it passes. */
    public record Check(String name, Supplier<Optional<String>> problem) {
    }

    /** The outcome: every check's name with "ok" or its problem, and whether all passed. */
    public record Result(boolean ready, Map<String, String> checks) {
    }

    private final List<Check> checks;

    public Readiness(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    public Result check() {
        Map<String, String> out = new LinkedHashMap<>();
        boolean ready = true;
        for (Check c : checks) {
            Optional<String> problem;
            try {
                problem = c.problem().get();
            } catch (RuntimeException e) {
                problem = Optional.of(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
            }
            out.put(c.name(), problem.orElse("ok"));
            ready &= problem.isEmpty();
        }
        return new Result(ready, out);
    }

    /** The state store answers a read. */
    public static Check database(StateStore store) {
        return new Check("database", () -> {
            store.recentTasks(1);
            return Optional.empty();
        });
    }

    /** The data folder exists (or can be made) and a file can be written in it. */
    public static Check dataDir(Path dir) {
        return new Check("data_dir", () -> {
            try {
                Files.createDirectories(dir);
                Path probe = Files.createTempFile(dir, ".readyz-", ".tmp");
                Files.delete(probe);
                return Optional.empty();
            } catch (IOException | SecurityException e) {
                return Optional.of("the data folder " + dir.toAbsolutePath() + " is not writable (GROVE_DATA_DIR): "
                        + e.getMessage());
            }
        });
    }

    /** The default agent's program is an executable file, or a name found on {@code PATH}. */
    public static Check agent(AgentDefinition agent, String path) {
        return new Check("agent", () -> {
            String program = programOf(agent);
            if (program == null) return Optional.empty(); // an in-process agent (demo, tests)
            return resolve(program, path).isPresent() ? Optional.empty()
                    : Optional.of("the agent '" + agent.name() + "' runs '" + program + "', which is "
                            + (program.contains("/") ? "not an executable file" : "not on the PATH")
                            + " (install it, or fix GROVE_AGENT_COMMAND / GROVE_AGENTS_FILE)");
        });
    }

    /** The program a definition starts: the command itself, or for a shell line its first word. */
    static String programOf(AgentDefinition agent) {
        String command = agent.command();
        if (command == null || command.startsWith("(")) return null;
        if (agent.kind() == AgentDefinition.Kind.COMMAND) {
            String first = command.trim().split("\\s+", 2)[0];
            return first.isEmpty() ? null : first;
        }
        return command;
    }

    static Optional<Path> resolve(String program, String path) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(java.io.File.pathSeparator)));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
