package dev.grove.pipeline;

import dev.grove.agent.AgentCatalog;
import dev.grove.git.GitClient;
import dev.grove.github.GitHubGateway;
import dev.grove.github.TokenSource;
import dev.grove.publish.Publisher;
import dev.grove.store.StateStore;
import dev.grove.worktree.Workspaces;
import java.time.Clock;
import java.util.function.LongFunction;

/**
 * The steps every orchestration shares (a task, a revise, an attempt, the planner): GitHub per installation, git,
 * workspaces, the agent step (budget, cancel, record), the publisher, the store and the clock. Made once, in
 * {@code app}.
 */
public record PipelineSteps(LongFunction<GitHubGateway> gateways, GitClient git, Workspaces workspaces,
        AgentStep agents, Publisher publisher, StateStore store, Clock clock) {

    /** @param tokens installation tokens for git over HTTPS; null where git needs none (the offline demo) */
    public static PipelineSteps create(LongFunction<GitHubGateway> gateways, TokenSource tokens, GitClient git,
            AgentCatalog agents, IssueBudget budget, StateStore store, RunnerSettings settings, Clock clock) {
        return new PipelineSteps(gateways, git, new Workspaces(git, tokens, settings.paths()),
                new AgentStep(agents, budget, store, settings.agentTimeout()), new Publisher(git), store, clock);
    }

    /** The same steps with {@code p} publishing (the server's, which knows its secrets). */
    public PipelineSteps withPublisher(Publisher p) {
        return new PipelineSteps(gateways, git, workspaces, agents, p, store, clock);
    }
}
