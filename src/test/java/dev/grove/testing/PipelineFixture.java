package dev.grove.testing;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentReport;
import dev.grove.agent.AgentRunner;
import dev.grove.command.CommandAuthorizer;
import dev.grove.command.CommandDispatcher;
import dev.grove.config.RepoConfig;
import dev.grove.config.RepoConfigLoader;
import dev.grove.git.JGitClient;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.pipeline.Cleaner;
import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.IssueBudget;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.PipelineSteps;
import dev.grove.pipeline.Reviser;
import dev.grove.pipeline.RunnerSettings;
import dev.grove.pipeline.TaskProgressListener;
import dev.grove.store.FileStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Grove's orchestration, wired as {@code grove serve} wires it, around the shared {@link RecordingGitHub}, a real
 * bare origin and clone in a temp folder, and in-JVM agents: fast tests of what the pipeline does, without a server.
 */
public final class PipelineFixture implements AutoCloseable {
    public static final RepoRef REPO = new RepoRef("octo-org", "shop");
    public static final int ISSUE = 7;
    public static final String USER = "alice";

    public final RecordingGitHub github = new RecordingGitHub();
    public final Path origin;
    public final RunnerSettings settings;
    public final FileStateStore store;
    public final ExecutorService pool = Executors.newCachedThreadPool();
    public final PipelineSteps steps;
    public final IssueRunner runner;
    public final Reviser reviser;
    public final ExperimentRunner experiments;
    public final CommandDispatcher dispatcher;

    public PipelineFixture(Path tmp, AgentRunner agent, IssueBudget budget, int maxParallel) {
        origin = GitFixtures.createOrigin(tmp);
        settings = new RunnerSettings(tmp.resolve("data"), maxParallel, Duration.ofMinutes(1),
                RunnerSettings.BRANCH_PREFIX);
        store = new FileStateStore(settings.dataDir().resolve("state.json"));
        steps = PipelineSteps.create(id -> github, null, new JGitClient(settings.cacheDir()), AgentCatalog.single(agent),
                budget, store, settings, Clock.systemUTC());
        runner = new IssueRunner(steps, settings, pool, TaskProgressListener.NONE);
        reviser = new Reviser(steps);
        experiments = new ExperimentRunner(steps, settings, pool);
        dispatcher = new CommandDispatcher(id -> github, new RepoConfigLoader(RepoConfig.defaults("grove", maxParallel),
                Set.of("default")), new CommandAuthorizer(Clock.systemUTC(), store), new CommandDispatcher.Actions(runner,
                reviser, new Cleaner(steps), experiments), store);
    }

    public RunRequest request(String title, String body) {
        return new RunRequest(REPO, 1, ISSUE, title, body, USER, GitFixtures.fileUrl(origin), "main");
    }

    public RepoConfig config() {
        return RepoConfig.defaults("grove", settings.maxParallel());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** An agent that appends a line to {@code file} and reports {@code costUsd}. */
    public static AgentRunner writing(String file, Double costUsd) {
        return r -> {
            try {
                Path f = r.workDir().resolve(file);
                Files.createDirectories(f.getParent());
                Files.writeString(f, "line by the agent\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new AgentOutcome.Finished("wrote " + file, Duration.ofSeconds(2),
                    new AgentReport("wrote " + file, 1, costUsd, null, "session-1", null));
        };
    }

    /**
     * An agent that waits (at most {@code max}) until it is cancelled, then ends as cancelled; it counts down
     * {@code started} when it begins.
     */
    public static AgentRunner waitingForCancel(java.util.concurrent.CountDownLatch started, Duration max) {
        return r -> {
            started.countDown();
            long end = System.nanoTime() + max.toNanos();
            while (!r.cancel().isCancelled() && System.nanoTime() < end) {
                sleep(20);
            }
            return r.cancel().isCancelled()
                    ? new AgentOutcome.Cancelled(r.cancel().reason(), "", Duration.ofMillis(100), AgentReport.NONE)
                    : new AgentOutcome.Finished("never cancelled", max);
        };
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
