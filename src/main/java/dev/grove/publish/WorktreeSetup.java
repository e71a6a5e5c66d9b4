package dev.grove.publish;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.ProcessAgentRunner;
import dev.grove.model.Durations;
import dev.grove.sandbox.NetworkPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the repository's {@code setup} command in a task's worktree before its agent starts: {@code sh -c} in Grove's
 * sandbox, exactly as {@link Verifier} runs verify (its own uid, the worktree the only writable place, the same
 * scrubbed environment with no secret of Grove's, a timeout), its output kept in {@code setup.log} in the task's log
 * folder. What it may reach on the network is the caller's choice (see the README: the agent's own network setting,
 * or none).
 */
public final class WorktreeSetup {
    /** How setup ended: {@code problem} null when it passed, else why not (naming setup and its log). */
    public record Result(boolean passed, String problem, Path log) {
    }

    public Result run(String command, Path worktree, Path taskDir, Duration timeout, NetworkPolicy network) {
        Path log = taskDir.resolve("setup.log");
        AgentOutcome o = new ProcessAgentRunner(command, System.getenv(), Verifier.BUILD_ENV,
                network == null ? NetworkPolicy.none() : network, "setup")
                .run(new AgentRequest(worktree, "", taskDir.resolve("setup-input.txt"), Map.of("GROVE_SETUP", "1"),
                        timeout, log));
        if (o instanceof AgentOutcome.Finished) {
            return new Result(true, null, log);
        }
        String why = o instanceof AgentOutcome.TimedOut t ? "ran past its " + Durations.format(t.timeout())
                + " timeout and was stopped"
                : o instanceof AgentOutcome.Failed f ? f.reason().replaceFirst("^agent ", "").replace("the agent", "it")
                : "was stopped";
        return new Result(false, "setup failed: `" + command + "` (.github/grove.yml) " + why + "; the agent did not"
                + " start and nothing was pushed; worktree, branch and log kept (setup log: " + log + ")", log);
    }
}
