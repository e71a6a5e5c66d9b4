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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One agent process, sandboxed the same way for every agent kind: started under {@code setsid} in the worktree so it
 * leads its own process group; exactly the given environment (see {@link AgentEnvironment}); stdin fed and closed;
 * stdout and stderr merged into the log, capped at 20 MB; every output line handed to a listener as it comes; the
 * whole tree killed on timeout, on cancel, and when the leader exits (nothing it left behind keeps running).
 */
final class SandboxedProcess {
    static final long LOG_CAP_BYTES = 20L * 1024 * 1024;
    static final int TAIL_LINES = 40;
    private static final int MAX_TAIL_LINE_BYTES = 4096;
    /** Longer lines reach the listener cut at this length (a cut JSON line is simply not JSON any more). */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    enum Ending { EXITED, TIMED_OUT, CANCELLED, INTERRUPTED, NOT_STARTED }

    /** {@code problem} says why it did not start (NOT_STARTED), else null. */
    record Result(Ending ending, int exitCode, String tail, Duration elapsed, String problem) {
    }

    private SandboxedProcess() {
    }

    static Result run(List<String> command, Path workDir, Map<String, String> env, byte[] stdin, Duration timeout,
            Path logFile, Consumer<String> onLine, CancelSignal cancel) {
        long started = System.nanoTime();
        if (cancel.isCancelled()) {
            return new Result(Ending.CANCELLED, -1, "", since(started), null);
        }
        OutputPump pump;
        try {
            createParent(logFile);
            pump = new OutputPump(Files.newOutputStream(logFile), onLine);
        } catch (IOException e) {
            return new Result(Ending.NOT_STARTED, -1, "", since(started), "could not open the agent's log: " + e);
        }
        Process process;
        try {
            List<String> argv = new ArrayList<>();
            argv.add(setsid());
            argv.add("-w");
            argv.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            pump.closeLog();
            return new Result(Ending.NOT_STARTED, -1, "", since(started), e.getMessage());
        }
        Runnable kill = () -> killTree(process);
        cancel.onCancel(kill);
        Thread reader = new Thread(() -> pump.drain(process.getInputStream()), "agent-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(() -> feed(process.getOutputStream(), stdin), "agent-stdin-" + process.pid());
        writer.setDaemon(true);
        writer.start();
        try {
            boolean exited;
            try {
                exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
                finish(reader, writer, pump);
                return new Result(Ending.INTERRUPTED, -1, pump.tail(), since(started), null);
            }
            if (!exited) {
                killTree(process);
                finish(reader, writer, pump);
                return new Result(cancel.isCancelled() ? Ending.CANCELLED : Ending.TIMED_OUT, -1, pump.tail(),
                        since(started), null);
            }
            killGroup(process.pid());
            finish(reader, writer, pump);
            return new Result(cancel.isCancelled() ? Ending.CANCELLED : Ending.EXITED, process.exitValue(), pump.tail(),
                    since(started), null);
        } finally {
            cancel.forget(kill);
        }
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

    /** Writes stdin and closes it; an agent that never reads stdin is fine. */
    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
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
    static void killTree(Process process) {
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

    /** Copies output to the log (up to the cap), hands each line to the listener, keeps the last lines. */
    private static final class OutputPump {
        private final OutputStream log;
        private final Consumer<String> onLine;
        private final ArrayDeque<String> lines = new ArrayDeque<>();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private long written;
        private boolean cut;
        private boolean closed;

        OutputPump(OutputStream log, Consumer<String> onLine) {
            this.log = log;
            this.onLine = onLine;
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
            line.reset();
            try {
                onLine.accept(text);
            } catch (RuntimeException ignored) {
                // a listener's failure never stops the agent's output
            }
            if (text.length() > MAX_TAIL_LINE_BYTES) {
                text = text.substring(0, MAX_TAIL_LINE_BYTES);
            }
            lines.addLast(text);
            while (lines.size() > TAIL_LINES) {
                lines.removeFirst();
            }
        }

        synchronized String tail() {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append('\n');
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
