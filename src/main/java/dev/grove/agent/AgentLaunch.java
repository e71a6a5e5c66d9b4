package dev.grove.agent;

import dev.grove.sandbox.Launch;
import dev.grove.sandbox.NetworkPolicy;
import dev.grove.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How an agent run becomes a sandbox {@link Launch}: the worktree, the prompt file to read, the agent's program (a
 * script or CLI installed outside {@code /usr}) to read, and the agent's own network policy. Shared by every agent kind.
 */
final class AgentLaunch {
    private AgentLaunch() {
    }

    static Sandbox.Result run(String what, List<String> command, AgentRequest request, Map<String, String> env,
            byte[] stdin, Consumer<String> onLine, NetworkPolicy network, List<Path> programs, List<Path> writable) {
        Sandbox sandbox = Sandbox.system();
        List<Path> readable = new ArrayList<>();
        for (Path p : programs) {
            if (!sandbox.settings().isHidden(p)) readable.add(p); // never the data folder, the key or Grove's HOME
        }
        readable.add(request.promptFile());
        Launch launch = new Launch(label(what, request), command, request.workDir(), env, stdin, request.timeout(),
                request.logFile(), onLine, request.cancel(), network, readable, writable);
        return sandbox.run(launch);
    }

    private static String label(String what, AgentRequest request) {
        Map<String, String> t = request.taskEnv() == null ? Map.of() : request.taskEnv();
        String repo = t.getOrDefault("GROVE_REPOSITORY", "");
        String issue = t.get("GROVE_ISSUE_NUMBER");
        String task = t.get("GROVE_TASK_NUMBER");
        return (repo + (issue == null ? "" : "#" + issue) + (task == null ? "" : " task " + task) + " " + what).strip();
    }

    /**
     * The files and folders a program needs to be read in the sandbox, when it lives outside {@code /usr}: each word
     * of a shell command that names an existing file (a script), and for a CLI found on a path, its folder and, if
     * it is a Node package, the {@code node_modules} folder its real file sits in.
     */
    static List<Path> programPaths(String commandLine) {
        List<Path> out = new ArrayList<>();
        for (String word : commandLine.split("\\s+")) {
            String w = word.replaceAll("^['\"]+|['\"]+$", "");
            if (w.startsWith("/")) {
                Path p = Path.of(w);
                if (Files.isRegularFile(p)) out.addAll(install(p));
            }
        }
        return out;
    }

    /** {@code program} as given (a path, or a name on {@code PATH}): what must be readable for it to run. */
    static List<Path> install(Path program) {
        Path p = program;
        if (!p.isAbsolute() && p.getNameCount() == 1) {
            p = onPath(program.toString());
            if (p == null) return List.of();
        }
        p = p.toAbsolutePath().normalize();
        if (p.startsWith("/usr") || p.startsWith("/bin")) return List.of();
        List<Path> out = new ArrayList<>();
        out.add(p);
        try {
            Path real = p.toRealPath();
            if (!real.equals(p)) {
                Path modules = null;
                for (Path q = real.getParent(); q != null; q = q.getParent()) {
                    if (q.getFileName() != null && q.getFileName().toString().equals("node_modules")) {
                        modules = q;
                        break;
                    }
                }
                out.add(modules != null ? modules : real.getParent());
            }
        } catch (IOException ignored) {
            // a dangling link: the program will not start, and says so
        }
        return out;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
