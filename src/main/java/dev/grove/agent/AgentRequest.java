package dev.grove.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One agent run: in {@code workDir} (the task's worktree), with the prompt on stdin and in {@code promptFile}
 * (kept outside the worktree so it is never committed), the task's facts as environment variables, a timeout,
 * and the file that keeps its output.
 */
public record AgentRequest(
        Path workDir, String prompt, Path promptFile, Map<String, String> taskEnv, Duration timeout, Path logFile) {
}
