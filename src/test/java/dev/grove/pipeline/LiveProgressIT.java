package dev.grove.pipeline;

import dev.grove.publish.CommentPacer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRunner;
import dev.grove.git.JGitClient;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.store.FileStateStore;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.RecordingGitHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live progress with an injected clock: the latest progress line reaches the tracking comment and the progress
 * listener at most once per interval per task; every line reaches the task's event log.
 */
class LiveProgressIT {
    static final RepoRef REPO = new RepoRef("octo-org", "shop");

    @TempDir
    Path tmp;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Reports 30 progress lines, moving the clock {@code step} before each, then writes a file. */
    static AgentRunner chatty(ProgressThrottleTest.MutableClock clock, Duration step) {
        return req -> {
            for (int i = 1; i <= 30; i++) {
                clock.now = clock.now.plus(step);
                req.listener().progress("step " + i);
            }
            try {
                Files.writeString(req.workDir().resolve("NOTES.md"), "done\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new AgentOutcome.Finished("ok", Duration.ofSeconds(1));
        };
    }

    int run(Duration step, List<String> heard) throws Exception {
        Path origin = GitFixtures.createOrigin(tmp);
        ProgressThrottleTest.MutableClock clock = new ProgressThrottleTest.MutableClock();
        RecordingGitHub github = new RecordingGitHub();
        RunnerSettings settings = new RunnerSettings(tmp.resolve("data"), 2, Duration.ofMinutes(1), RunnerSettings.BRANCH_PREFIX);
        PipelineSteps steps = PipelineSteps.create(id -> github, null, new JGitClient(settings.cacheDir()),
                AgentCatalog.single(chatty(clock, step)), IssueBudget.UNLIMITED,
                new FileStateStore(settings.dataDir().resolve("state.json")), settings, clock);
        IssueRunner runner = new IssueRunner(steps, settings, pool, (key, line) -> heard.add(line))
                // no per-issue pacing here: this test is about each task's own throttle (CommentPacerTest and
                // IssueCommentPacingIT test the issue's)
                .pacingComments(new CommentPacer(clock, Duration.ZERO, (job, delay) -> job.run()));
        runner.run(new RunRequest(REPO, 1, 3, "Notes", "- [ ] Write the notes\n  paths: NOTES.md\n", "octocat",
                GitFixtures.fileUrl(origin), "main"));
        Path events = settings.tasksDir().resolve("octo-org/shop/3/write-the-notes/events.log");
        assertEquals(30, Files.readAllLines(events).size(), "every line is in the event log");
        assertTrue(Files.readString(events).contains(" step 30\n"));
        return (int) github.bodies().stream().filter(b -> b.contains("agent running: step")).count();
    }

    @Test
    void aClockThatDoesNotMoveLetsOneUpdateThrough() throws Exception {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        assertEquals(1, run(Duration.ZERO, heard), "one comment edit with progress");
        assertEquals(List.of("step 1"), heard);
    }

    @Test
    void oneUpdatePerIntervalAsTheClockMoves() throws Exception {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        // 2s between lines, 5s interval: lines 1, 4, 7, ... pass (at 2s, 8s, 14s, ...)
        int edits = run(Duration.ofSeconds(2), heard);
        assertEquals(10, heard.size(), heard.toString());
        assertEquals("step 1", heard.get(0));
        assertEquals("step 4", heard.get(1));
        assertEquals(10, edits);
    }
}
