package dev.grove.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the agent as a local process: {@code /bin/sh -c <command>} in the worktree, under {@code setsid} so it leads
 * its own process group and the whole tree can be killed. The command is the server operator's setting, never
 * repository input.
 *
 * <p>The environment is built from an allow-list only (PATH, HOME, LANG, LC_ALL, TZ, TMPDIR, USER, the operator's
 * pass-through variables, the task's variables and {@code GROVE_PROMPT_FILE}), so Grove's own secrets never reach
 * the agent. The prompt goes to the prompt file and to stdin. Output (stdout and stderr merged) goes to the log
 * file, capped at 20 MB, and its last 40 lines become the outcome's tail. When the agent exits, anything it left
 * running in its process group is killed too.
 */
public final class ProcessAgentRunner implements AgentRunner {
    static final long LOG_CAP_BYTES = 20L * 1024 * 1024;
    static final int TAIL_LINES = 40;
    private static final int MAX_LINE_BYTES = 4096;
    private static final List<String> ALWAYS_PASSED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER");
    private static final Set<String> NEVER_PASSED = Set.of("GROVE_WEBHOOK_SECRET", "GROVE_PRIVATE_KEY_FILE", "GROVE_DB_URL");

    private final String command;
    private final Map<String, String> baseEnvironment;
    private final List<String> passThroughVariables;

    /**
     * @param baseEnvironment      where allowed variables are taken from (normally the server's environment)
     * @param passThroughVariables further variable names the agent needs (e.g. {@code ANTHROPIC_API_KEY})
     * @throws IllegalArgumentException if a pass-through variable is one of Grove's own secrets
     */
    public ProcessAgentRunner(String command, Map<String, String> baseEnvironment, List<String> passThroughVariables) {
        this.command = Objects.requireNonNull(command, "command");
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.passThroughVariables = List.copyOf(passThroughVariables);
        for (String name : this.passThroughVariables) {
            if (NEVER_PASSED.contains(name)) {
                throw new IllegalArgumentException(name + " is one of Grove's own secrets and is never passed to an "
                        + "agent; remove it from the agent's env list");
            }
        }
    }

    /** Takes allowed variables from this server's environment. */
    public ProcessAgentRunner(String command, List<String> passThroughVariables) {
        this(command, System.getenv(), passThroughVariables);
    }

    /** The agent's whole environment for this request; nothing else from the base environment is passed. */
    Map<String, String> environmentFor(AgentRequest request) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : ALWAYS_PASSED) {
            copy(name, env);
        }
        for (String name : passThroughVariables) {
            copy(name, env);
        }
        if (request.taskEnv() != null) {
            env.putAll(request.taskEnv());
        }
        env.put("GROVE_PROMPT_FILE", request.promptFile().toAbsolutePath().toString());
        return env;
    }

    private void copy(String name, Map<String, String> env) {
        String value = baseEnvironment.get(name);
        if (value != null) {
            env.put(name, value);
        }
    }

    @Override
    public AgentOutcome run(AgentRequest request) {
        long started = System.nanoTime();
        String prompt = request.prompt() == null ? "" : request.prompt();
        byte[] promptBytes = prompt.getBytes(StandardCharsets.UTF_8);
        OutputPump pump;
        Process process;
        try {
            createParent(request.promptFile());
            Files.write(request.promptFile(), promptBytes);
            createParent(request.logFile());
            pump = new OutputPump(Files.newOutputStream(request.logFile()));
        } catch (IOException e) {
            return new AgentOutcome.Failed("could not prepare the agent's files: " + e, "", since(started));
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(setsid(), "-w", "/bin/sh", "-c", command)
                    .directory(request.workDir().toFile())
                    .redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(environmentFor(request));
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            pump.closeLog();
            return new AgentOutcome.Failed("could not start the agent (" + command + "): " + e.getMessage(), "",
                    since(started));
        }
        Thread reader = new Thread(() -> pump.drain(process.getInputStream()), "agent-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(() -> feed(process.getOutputStream(), promptBytes), "agent-stdin-" + process.pid());
        writer.setDaemon(true);
        writer.start();

        boolean exited;
        try {
            exited = process.waitFor(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
            finish(reader, writer, pump);
            return new AgentOutcome.Failed("interrupted while the agent ran; it was stopped", pump.tail(),
                    since(started));
        }
        if (!exited) {
            killTree(process);
            finish(reader, writer, pump);
            return new AgentOutcome.TimedOut(request.timeout(), pump.tail(), since(started));
        }
        killGroup(process.pid());
        finish(reader, writer, pump);
        int code = process.exitValue();
        if (code == 0) {
            return new AgentOutcome.Finished(pump.tail(), since(started));
        }
        return new AgentOutcome.Failed("agent exited with code " + code, pump.tail(), since(started));
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static String setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "setsid";
    }

    /** Writes the prompt to stdin and closes it; an agent that never reads stdin is fine. */
    private static void feed(OutputStream stdin, byte[] prompt) {
        try (stdin) {
            stdin.write(prompt);
        } catch (IOException ignored) {
            // the agent closed its stdin or exited without reading it
        }
    }

    /** Waits for the output to end; a process that escaped the kill and keeps the pipe open is not waited for. */
    private static void finish(Thread reader, Thread writer, OutputPump pump) {
        join(reader, Duration.ofSeconds(5));
        join(writer, Duration.ofSeconds(1));
        pump.closeLog();
    }

    private static void join(Thread thread, Duration max) {
        try {
            thread.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to the agent's process group and to every descendant (in case one left the group), then waits. */
    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.toHandle().descendants().toList();
        killGroup(process.pid());
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            // killed descendants are reparented; without a reaping init they stay zombies, which never "exit"
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (ProcessHandle d : descendants) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    d.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ignored) {
                    // SIGKILL was sent; a slow or unreaped descendant does not change the outcome
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -KILL -- -pid}; harmless when the group has no members left. */
    private static void killGroup(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill binary: descendants are still destroyed one by one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies output to the log (up to the cap) and keeps the last lines. */
    private static final class OutputPump {
        private final OutputStream log;
        private final ArrayDeque<String> lines = new ArrayDeque<>();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private long written;
        private boolean cut;
        private boolean closed;

        OutputPump(OutputStream log) {
            this.log = log;
        }

        void drain(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    record(buf, n);
                }
            } catch (IOException ignored) {
                // the stream was closed: the process is gone
            }
            synchronized (this) {
                if (line.size() > 0) {
                    endLine();
                }
                closeLog();
            }
        }

        private synchronized void record(byte[] buf, int n) {
            writeLog(buf, n);
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    endLine();
                } else if (line.size() < MAX_LINE_BYTES) {
                    line.write(b);
                }
            }
        }

        private void writeLog(byte[] buf, int n) {
            if (closed || cut) {
                return;
            }
            try {
                long room = LOG_CAP_BYTES - written;
                if (n <= room) {
                    log.write(buf, 0, n);
                    written += n;
                } else {
                    log.write(buf, 0, (int) room);
                    written += room;
                    log.write(("\n[grove: the log was cut at " + LOG_CAP_BYTES / (1024 * 1024)
                            + " MB; later output is not kept]\n").getBytes(StandardCharsets.UTF_8));
                    log.flush();
                    cut = true;
                }
            } catch (IOException e) {
                cut = true;
            }
        }

        private void endLine() {
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            lines.addLast(text);
            while (lines.size() > TAIL_LINES) {
                lines.removeFirst();
            }
            line.reset();
        }

        synchronized String tail() {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append('\n');
            }
            if (line.size() > 0) {
                sb.append(line.toString(StandardCharsets.UTF_8));
            }
            return sb.toString().stripTrailing();
        }

        synchronized void closeLog() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                log.close();
            } catch (IOException ignored) {
                // nothing more can be done about a log that does not close
            }
        }
    }
}
