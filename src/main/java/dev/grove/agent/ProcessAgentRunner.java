package dev.grove.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code command} agent kind: {@code /bin/sh -c <command>} in the worktree, run as a {@link SandboxedProcess}.
 * The command is the server operator's setting, never repository input.
 *
 * <p>The environment comes from {@link AgentEnvironment} (an allow-list) plus the task's variables and
 * {@code GROVE_PROMPT_FILE}, so Grove's own secrets never reach the agent. The prompt goes to the prompt file and to
 * stdin. Output (stdout and stderr merged) goes to the log file, capped at 20 MB, and its last 40 lines become the
 * outcome's tail; each non-blank output line is a progress line.
 */
public final class ProcessAgentRunner implements AgentRunner {
    static final long LOG_CAP_BYTES = SandboxedProcess.LOG_CAP_BYTES;
    static final int TAIL_LINES = SandboxedProcess.TAIL_LINES;
    static final int MAX_PROGRESS_CHARS = 200;

    private final String command;
    private final AgentEnvironment environment;

    /**
     * @param baseEnvironment      where allowed variables are taken from (normally the server's environment)
     * @param passThroughVariables further variable names the agent needs (e.g. {@code ANTHROPIC_API_KEY})
     * @throws IllegalArgumentException if a pass-through variable is one of Grove's own secrets
     */
    public ProcessAgentRunner(String command, Map<String, String> baseEnvironment, List<String> passThroughVariables) {
        this.command = Objects.requireNonNull(command, "command");
        this.environment = new AgentEnvironment(baseEnvironment, passThroughVariables);
    }

    /** Takes allowed variables from this server's environment. */
    public ProcessAgentRunner(String command, List<String> passThroughVariables) {
        this(command, System.getenv(), passThroughVariables);
    }

    /** The agent's whole environment for this request; nothing else from the base environment is passed. */
    Map<String, String> environmentFor(AgentRequest request) {
        Map<String, String> task = new LinkedHashMap<>();
        if (request.taskEnv() != null) {
            task.putAll(request.taskEnv());
        }
        task.put("GROVE_PROMPT_FILE", request.promptFile().toAbsolutePath().toString());
        return environment.build(task);
    }

    @Override
    public AgentOutcome run(AgentRequest request) {
        String prompt = request.prompt() == null ? "" : request.prompt();
        byte[] promptBytes = prompt.getBytes(StandardCharsets.UTF_8);
        try {
            Path parent = request.promptFile().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(request.promptFile(), promptBytes);
        } catch (IOException e) {
            return new AgentOutcome.Failed("could not prepare the agent's files: " + e, "", Duration.ZERO);
        }
        SandboxedProcess.Result r = SandboxedProcess.run(List.of("/bin/sh", "-c", command), request.workDir(),
                environmentFor(request), promptBytes, request.timeout(), request.logFile(),
                line -> progress(request.listener(), line), request.cancel());
        return switch (r.ending()) {
            case NOT_STARTED -> new AgentOutcome.Failed("could not start the agent (" + command + "): " + r.problem(),
                    "", r.elapsed());
            case INTERRUPTED -> new AgentOutcome.Failed("interrupted while the agent ran; it was stopped", r.tail(),
                    r.elapsed());
            case TIMED_OUT -> new AgentOutcome.TimedOut(request.timeout(), r.tail(), r.elapsed());
            case CANCELLED -> new AgentOutcome.Cancelled(request.cancel().reason(), r.tail(), r.elapsed(),
                    AgentReport.NONE);
            case EXITED -> r.exitCode() == 0 ? new AgentOutcome.Finished(r.tail(), r.elapsed())
                    : new AgentOutcome.Failed("agent exited with code " + r.exitCode(), r.tail(), r.elapsed());
        };
    }

    private static void progress(AgentListener listener, String line) {
        String s = line.strip();
        if (!s.isEmpty()) {
            listener.progress(s.length() > MAX_PROGRESS_CHARS ? s.substring(0, MAX_PROGRESS_CHARS) + "…" : s);
        }
    }
}
