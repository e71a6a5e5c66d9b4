package dev.grove.metrics;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;

/**
 * An {@link AgentRunner} that adds what each run reports spending (dollars, turns, tokens) to its repository's
 * totals: task agents, the planner, revises and {@code /grove try} attempts all go through the catalog's runners.
 */
public final class MeteredAgentRunner implements AgentRunner {
    private final AgentRunner runner;
    private final GroveMetrics metrics;

    public MeteredAgentRunner(AgentRunner runner, GroveMetrics metrics) {
        this.runner = runner;
        this.metrics = metrics;
    }

    @Override
    public AgentOutcome run(AgentRequest request) {
        return counted(request, runner.run(request));
    }

    @Override
    public AgentOutcome revise(AgentRequest request, String sessionId, String freshStartPrompt) {
        return counted(request, runner.revise(request, sessionId, freshStartPrompt));
    }

    private AgentOutcome counted(AgentRequest request, AgentOutcome outcome) {
        var report = outcome.report();
        if (report != null) {
            String repo = request.taskEnv() == null ? null : request.taskEnv().get("GROVE_REPOSITORY");
            metrics.agentSpend(repo == null ? "unknown" : repo, report.costUsd(), report.turns(), report.tokens());
        }
        return outcome;
    }
}
