package dev.grove.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One agent run: in {@code workDir} (the task's worktree), with the prompt on stdin and in {@code promptFile}
 * (kept outside the worktree so it is never committed), the task's facts as environment variables, a timeout,
 * and the file that keeps its output. {@code listener} hears progress lines as they come; {@code cancel} stops it.
 * The folder of {@code logFile} is the task's own folder: adapters keep per-task state there (Claude Code's config).
 * {@code maxCostUsd}, when not null, caps what this run may spend (what is left of the budget); agents that
 * report cost honour it, on top of their own ceiling.
 */
public record AgentRequest(
        Path workDir, String prompt, Path promptFile, Map<String, String> taskEnv, Duration timeout, Path logFile,
        AgentListener listener, CancelSignal cancel, Double maxCostUsd) {

    public AgentRequest {
        listener = listener == null ? AgentListener.NONE : listener;
        cancel = cancel == null ? new CancelSignal() : cancel;
    }

    /** No listener, a cancel signal nobody holds. */
    public AgentRequest(Path workDir, String prompt, Path promptFile, Map<String, String> taskEnv, Duration timeout,
            Path logFile) {
        this(workDir, prompt, promptFile, taskEnv, timeout, logFile, AgentListener.NONE, new CancelSignal(), null);
    }

    public AgentRequest withTimeout(Duration t) {
        return new AgentRequest(workDir, prompt, promptFile, taskEnv, t, logFile, listener, cancel, maxCostUsd);
    }

    public AgentRequest withPrompt(String p) {
        return new AgentRequest(workDir, p, promptFile, taskEnv, timeout, logFile, listener, cancel, maxCostUsd);
    }

    /** The task's own folder (where the log is). */
    public Path taskDir() {
        return logFile.toAbsolutePath().getParent();
    }
}
