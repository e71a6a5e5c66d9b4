package dev.grove.agent;

/** Runs a coding agent in a worktree. */
public interface AgentRunner {
    AgentOutcome run(AgentRequest request);
}
