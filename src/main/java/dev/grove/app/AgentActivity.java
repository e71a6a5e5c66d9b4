package dev.grove.app;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every agent run of this server, whatever started it (a task, the planner, a revise, a {@code /grove try} attempt),
 * as the dashboard shows it: what kind, for which issue, its log file, when it started and how it ended. The catalog's
 * runners are wrapped with {@link #tracking}, so no pipeline code needs to report. Keeps the latest 200 runs.
 */
final class AgentActivity {
    static final int KEPT = 200;

    /** One run; {@code ended} and {@code outcome} are null while it runs. */
    record Run(long id, String kind, String repository, String issue, String title, Path log, Instant started,
            Instant ended, String outcome) {
        boolean running() {
            return ended == null;
        }
    }

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Run> runs = new ConcurrentSkipListMap<>();

    AgentActivity(Clock clock) {
        this.clock = clock;
    }

    /** The latest runs, newest first. */
    List<Run> runs() {
        return new ArrayList<>(runs.descendingMap().values());
    }

    Optional<Run> run(long id) {
        return Optional.ofNullable(runs.get(id));
    }

    AgentRunner tracking(AgentRunner runner) {
        return new AgentRunner() {
            @Override
            public AgentOutcome run(AgentRequest request) {
                Run r = started(request, null);
                AgentOutcome outcome = null;
                try {
                    outcome = runner.run(request);
                    return outcome;
                } finally {
                    ended(r, outcome);
                }
            }

            @Override
            public AgentOutcome revise(AgentRequest request, String sessionId, String freshStartPrompt) {
                Run r = started(request, "revise");
                AgentOutcome outcome = null;
                try {
                    outcome = runner.revise(request, sessionId, freshStartPrompt);
                    return outcome;
                } finally {
                    ended(r, outcome);
                }
            }
        };
    }

    private Run started(AgentRequest req, String kind) {
        var env = req.taskEnv() == null ? java.util.Map.<String, String>of() : req.taskEnv();
        Run r = new Run(ids.incrementAndGet(), kind != null ? kind : kindOf(req), env.getOrDefault("GROVE_REPOSITORY", ""),
                env.getOrDefault("GROVE_ISSUE_NUMBER", ""), env.getOrDefault("GROVE_TASK_TITLE", ""),
                req.logFile(), clock.instant(), null, null);
        runs.put(r.id(), r);
        while (runs.size() > KEPT) runs.pollFirstEntry();
        return r;
    }

    private void ended(Run r, AgentOutcome outcome) {
        String how;
        if (outcome == null) how = "error";
        else if (outcome instanceof AgentOutcome.Finished) how = "finished";
        else if (outcome instanceof AgentOutcome.Failed f) how = "failed: " + f.reason();
        else if (outcome instanceof AgentOutcome.TimedOut) how = "timed out";
        else if (outcome instanceof AgentOutcome.Cancelled c) how = "cancelled: " + c.reason();
        else how = "ended";
        Run done = new Run(r.id(), r.kind(), r.repository(), r.issue(), r.title(), r.log(), r.started(),
                clock.instant(), how);
        runs.replace(r.id(), done);
    }

    /** planner ({@code GROVE_PLANNING}), revise ({@code revise.log}), try (a {@code try-N} folder) or task. */
    static String kindOf(AgentRequest req) {
        if (req.taskEnv() != null && req.taskEnv().containsKey("GROVE_PLANNING")) return "planner";
        Path log = req.logFile();
        if (log != null && log.getFileName().toString().startsWith("planner")) return "planner";
        if (log != null && log.getFileName().toString().startsWith("revise")) return "revise";
        if (log != null && log.getParent() != null && log.getParent().getFileName().toString().matches("try-\\d+")) {
            return "try";
        }
        return "task";
    }
}
