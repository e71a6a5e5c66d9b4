package dev.grove.pipeline;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentReport;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;
import dev.grove.agent.CancelSignal;
import dev.grove.config.RepoConfig;
import dev.grove.model.AgentRun;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.store.StateStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The one way Grove runs an agent, for a task, a revise, a {@code /grove try} attempt and the planner alike: the
 * repository's agent; the issue's budget asked first ({@link IssueBudget#allow}), which also lowers the run's timeout
 * and cost ceiling to what is left; the run registered so {@code /grove cancel} can stop it; and what it did (cost,
 * time, summary, session) recorded on the key's record, where the budget counts it.
 */
public final class AgentStep {
    private final AgentCatalog agents;
    private final IssueBudget budget;
    private final StateStore store;
    private final Duration defaultTimeout;
    private final RunningAgents running = new RunningAgents();
    private final Cancellations cancellations = new Cancellations();

    /**
     * @param budget         the server's limit for one issue (a repository's config may only tighten it)
     * @param defaultTimeout for agents that name no timeout of their own
     */
    public AgentStep(AgentCatalog agents, IssueBudget budget, StateStore store, Duration defaultTimeout) {
        this.agents = agents;
        this.budget = budget;
        this.store = store;
        this.defaultTimeout = defaultTimeout;
    }

    /** How an agent is started: {@link AgentRunner#run}, or a revise that resumes its session. */
    @FunctionalInterface
    public interface Launch {
        AgentOutcome launch(AgentRunner agent, AgentRequest request);
    }

    public static final Launch RUN = AgentRunner::run;

    /** How the step ended. */
    public sealed interface Result {
        /** The agent did not start; {@code message} says why (cancelled before it started, budget spent). */
        record NotRun(String message) implements Result {
        }

        /** It ran; {@code record} holds the run; {@code cancelledBy} is who cancelled it, or null. */
        record Ran(AgentOutcome outcome, TaskRecord record, String cancelledBy) implements Result {
        }
    }

    /**
     * Runs the agent the config names for {@code key}, whose record must exist. The request's timeout, cancel signal
     * and cost ceiling are the step's; the rest is the caller's.
     *
     * @param eventLog the file of the run's progress lines, for the record (null: none)
     */
    public Result run(TaskKey key, RepoConfig config, AgentRequest request, String eventLog, Launch launch) {
        String name = agentName(config);
        IssueBudget.Allowance allowance = allowance(key, config);
        if (allowance instanceof IssueBudget.Allowance.Refused r) {
            return new Result.NotRun(r.message());
        }
        IssueBudget.Allowance.Allowed ok = (IssueBudget.Allowance.Allowed) allowance;
        TaskRecord rec = store.task(key).orElseThrow(() -> new IllegalStateException("no record of " + key));
        AgentRun run = AgentRun.start(name, eventLog, rec.agentRun());
        store.saveTask(rec.withAgentRun(run));
        CancelSignal cancel = running.register(key);
        AgentOutcome outcome;
        try {
            outcome = launch.launch(agents.get(name), new AgentRequest(request.workDir(), request.prompt(),
                    request.promptFile(), request.taskEnv(), ok.timeout(), request.logFile(), request.listener(), cancel,
                    ok.maxCostUsd()));
        } finally {
            running.done(key, cancel);
        }
        AgentReport report = outcome.report();
        TaskRecord after = store.task(key).orElse(rec).withAgentRun(run.finished(report.summary(), report.turns(),
                report.costUsd(), report.sessionId(), report.configDir(), outcome.elapsed()));
        store.saveTask(after);
        return new Result.Ran(outcome, after, cancellations.cancelledBy(key).orElse(null));
    }

    /** Why an agent for {@code key} would not start now (cancelled before it started, budget spent), if it would not. */
    public Optional<String> refusal(TaskKey key, RepoConfig config) {
        return allowance(key, config) instanceof IssueBudget.Allowance.Refused r ? Optional.of(r.message())
                : Optional.empty();
    }

    private IssueBudget.Allowance allowance(TaskKey key, RepoConfig config) {
        Optional<String> before = cancellations.cancelledBy(key);
        if (before.isPresent()) {
            return new IssueBudget.Allowance.Refused("cancelled by @" + before.get() + " before it started");
        }
        Duration timeout = agents.timeoutOf(agentName(config)).orElse(defaultTimeout);
        IssueBudget issue = budget.tighter(config.budget().perIssueUsd(), config.budget().agentTime());
        return issue.allow(store.tasks(key.repo(), key.issue()), timeout, config.budget().perTaskUsd());
    }

    /** The record of an attempt or the planner, made queued when it does not exist yet; a stale cancel is cleared. */
    public TaskRecord start(TaskKey key, int number, String title) {
        cancellations.clear(key);
        TaskRecord rec = store.task(key).map(r -> r.withStatus(TaskStatus.RUNNING).withMessage(null))
                .orElse(TaskRecord.queued(key, number, title).withStatus(TaskStatus.RUNNING));
        store.saveTask(rec);
        return rec;
    }

    /** The agent a repository's config names, or the server's default when it names none the server has. */
    public String agentName(RepoConfig config) {
        return agents.names().contains(config.agent()) ? config.agent() : agents.defaultName();
    }

    public AgentRunner agentFor(RepoConfig config) {
        return agents.get(agentName(config));
    }

    public AgentCatalog catalog() {
        return agents;
    }

    public RunningAgents running() {
        return running;
    }

    public Cancellations cancellations() {
        return cancellations;
    }

    /**
     * Stops what runs under {@code key} (a task, an attempt, the planner): if queued it never starts, a running agent is
     * killed with its process tree. True when an agent was running.
     */
    public boolean cancel(TaskKey key, String by) {
        cancellations.cancel(key, by);
        return running.cancel(key, "cancelled by @" + by);
    }
}
