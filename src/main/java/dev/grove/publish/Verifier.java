package dev.grove.publish;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.ProcessAgentRunner;
import dev.grove.model.Durations;
import dev.grove.sandbox.NetworkPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the repository's {@code verify} command in the task's worktree, after the agent: {@code sh -c} in Grove's
 * sandbox with no network, with the same scrubbed environment as agents (plus JAVA_HOME and the like, for builds), a timeout,
 * its output kept in {@code verify.log} and its last lines in the result.
 */
public final class Verifier {
    static final List<String> BUILD_ENV = List.of("JAVA_HOME", "MAVEN_OPTS", "GRADLE_USER_HOME", "GOPATH",
            "CARGO_HOME", "NODE_OPTIONS");

    public VerifyResult verify(String command, Path worktree, Path taskDir, Duration timeout) {
        AgentOutcome o = new ProcessAgentRunner(command, System.getenv(), BUILD_ENV, NetworkPolicy.none(), "verify").run(new AgentRequest(worktree, "",
                taskDir.resolve("verify-input.txt"), Map.of("GROVE_VERIFY", "1"), timeout, taskDir.resolve("verify.log")));
        if (o instanceof AgentOutcome.Finished f) {
            return new VerifyResult(command, true, "`" + command + "` passed", f.outputTail(), f.elapsed());
        }
        if (o instanceof AgentOutcome.TimedOut t) {
            return new VerifyResult(command, false, "`" + command + "` ran past its " + Durations.format(t.timeout())
                    + " timeout and was stopped", t.outputTail(), t.elapsed());
        }
        String reason = o instanceof AgentOutcome.Failed f ? f.reason().replace("agent", "verify command") : "stopped";
        return new VerifyResult(command, false, "`" + command + "` failed: " + reason, o.outputTail(), o.elapsed());
    }
}
