package dev.grove.pipeline;

import dev.grove.agent.AgentDefinition;
import dev.grove.agent.PromptContext;
import dev.grove.config.RepoConfig;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.publish.WorktreeSetup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What happens in a task's worktree between provisioning and its agent: the repository's {@code setup} command, and
 * the prompt's context (the issue's conversation, the repository's agent instructions).
 */
final class BeforeAgent {
    private BeforeAgent() {
    }

    /**
     * Runs the config's {@code setup} command in the worktree, in the sandbox, with {@code verify_timeout} and the
     * network the repository's agent is given explicitly in the agents file (none when it has no {@code network}
     * setting). Empty when there is none or it passed; else the task's failure message.
     */
    static Optional<String> setup(PipelineSteps steps, RepoConfig config, Path worktree, Path taskDir) {
        if (config.setup() == null) {
            return Optional.empty();
        }
        AgentDefinition agent = steps.agents().catalog().definition(steps.agents().agentName(config));
        WorktreeSetup.Result r = new WorktreeSetup().run(config.setup(), worktree, taskDir, config.verifyTimeout(),
                agent.network());
        return r.passed() ? Optional.empty() : Optional.of(r.problem());
    }

    /** The prompt's context for issue {@code issue} (see {@link Conversation}). */
    static PromptContext context(PipelineSteps steps, GitHubGateway github, RepoConfig config, RepoRef repo, int issue,
            Path worktree) {
        AgentDefinition agent = steps.agents().catalog().definition(steps.agents().agentName(config));
        return Conversation.gather(github, repo, issue, worktree, agent.kind());
    }
}
