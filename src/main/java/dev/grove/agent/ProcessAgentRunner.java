package dev.grove.agent;

import dev.grove.sandbox.NetworkPolicy;
import dev.grove.sandbox.Sandbox;
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
 * The {@code command} agent kind: {@code /bin/sh -c <command>} in the worktree, run in Grove's sandbox
 * ({@link dev.grove.sandbox.Sandbox}) with the agent's network policy.
 * The command is the server operator's setting, never repository input.
 *
 * <p>The environment comes from {@link AgentEnvironment} (an allow-list) plus the task's variables and
 * {@code GROVE_PROMPT_FILE}, so Grove's own secrets never reach the agent. The prompt goes to the prompt file and to
 * stdin. Output (stdout and stderr merged) goes to the log file, capped at 20 MB, and its last 40 lines become the
 * outcome's tail; each non-blank output line is a progress line.
 */
public final class ProcessAgentRunner implements AgentRunner {
    static final long LOG_CAP_BYTES = dev.grove.sandbox.SandboxSettings.DEFAULT_LOG_CAP;
    static final int TAIL_LINES = Sandbox.TAIL_LINES;
    static final int MAX_PROGRESS_CHARS = 200;

    private final String command;
    private final AgentEnvironment environment;
    private final NetworkPolicy network;
    private final String what;

    /**
     * @param baseEnvironment      where allowed variables are taken from (normally the server's environment)
     * @param passThroughVariables further variable names the agent needs (e.g. {@code ANTHROPIC_API_KEY})
     * @throws IllegalArgumentException if a pass-through variable is one of Grove's own secrets
     */
    public ProcessAgentRunner(String command, Map<String, String> baseEnvironment, List<String> passThroughVariables) {
        this(command, baseEnvironment, passThroughVariables, null, "agent");
    }

    /**
     * @param network what the agent may reach (see {@link NetworkPolicy}); null: {@code allow} with the Anthropic API's
     *                host (the host of ANTHROPIC_BASE_URL when it is passed), as the default command is Claude Code
     * @param what    what it is, for Grove's log ({@code agent}, {@code verify})
     */
    public ProcessAgentRunner(String command, Map<String, String> baseEnvironment, List<String> passThroughVariables,
            NetworkPolicy network, String what) {
        this.command = Objects.requireNonNull(command, "command");
        this.environment = new AgentEnvironment(baseEnvironment, passThroughVariables);
        this.network = network != null ? network
                : NetworkPolicy.anthropicDefault(environment.build(Map.of()).get("ANTHROPIC_BASE_URL"));
        this.what = what;
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
        Sandbox.Result r = AgentLaunch.run(what, List.of("/bin/sh", "-c", command), request, environmentFor(request),
                promptBytes, line -> progress(request.listener(), line), network, AgentLaunch.programPaths(command),
                List.of());
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
