package dev.grove.agent;

/** Runs a coding agent in a worktree. */
public interface AgentRunner {
    AgentOutcome run(AgentRequest request);

    /**
     * A revise: continue the task's earlier conversation {@code sessionId} (see {@link AgentReport#sessionId()}) with
     * {@code request.prompt()} as the new instructions, in the same worktree and task folder. Where the session is
     * gone, or the agent keeps none, it starts afresh with {@code freshStartPrompt}, which the caller builds with the
     * task, the diff so far and the review comments. This default always starts afresh.
     */
    default AgentOutcome revise(AgentRequest request, String sessionId, String freshStartPrompt) {
        return run(request.withPrompt(freshStartPrompt));
    }
}
