package dev.grove.pipeline;

import dev.grove.agent.AgentListener;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task agent's progress lines: every one goes to the task's event log with its time; the latest one reaches the task
 * record (and so the tracking comment) and the progress listener at most once per interval. Once closed (the agent
 * returned), late lines are dropped, so a slow progress update can never overwrite the task's next status.
 */
final class ProgressSink implements AgentListener {
    private static final Logger log = LoggerFactory.getLogger(ProgressSink.class);
    private final TaskKey key;
    private final Path eventLog;
    private final StateStore store;
    private final Clock clock;
    private final ProgressThrottle throttle;
    private final TaskProgressListener listener;
    private final UnaryOperator<TaskRecord> save;
    private boolean closed;

    /** @param save saves a record and tells the run (the tracking comment follows) */
    ProgressSink(TaskKey key, Path eventLog, PipelineSteps steps, TaskPipeline.TaskRun run,
            UnaryOperator<TaskRecord> save) {
        this.key = key;
        this.eventLog = eventLog;
        this.store = steps.store();
        this.clock = steps.clock();
        this.throttle = new ProgressThrottle(clock, run.progressInterval());
        this.listener = run.listener();
        this.save = save;
    }

    @Override
    public synchronized void progress(String line) {
        if (closed) {
            return;
        }
        try {
            Files.writeString(eventLog, clock.instant() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.debug("could not append to {}: {}", eventLog, e.getMessage());
        }
        if (!throttle.tryPass()) {
            return;
        }
        store.task(key).filter(r -> r.status() == TaskStatus.RUNNING && r.agentRun() != null)
                .ifPresent(r -> save.apply(r.withAgentRun(r.agentRun().withProgress(line))));
        try {
            listener.progress(key, line);
        } catch (RuntimeException e) {
            log.warn("progress listener failed for {}: {}", key, e.getMessage());
        }
    }

    synchronized void close() {
        closed = true;
    }
}
