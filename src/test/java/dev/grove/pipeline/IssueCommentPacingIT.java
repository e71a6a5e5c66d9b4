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
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.testing.GitFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 16 tasks of one issue run at once, each reporting progress every few milliseconds: the tracking comment is still
 * edited at most once per interval, and its last version is the run's final state.
 */
class IssueCommentPacingIT {
    static final RepoRef REPO = new RepoRef("octo-org", "shop");
    static final Duration INTERVAL = Duration.ofMillis(700);

    @TempDir
    Path tmp;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static AgentRunner busy() {
        return req -> {
            for (int i = 1; i <= 40; i++) {
                req.listener().progress("step " + i);
                try {
                    Thread.sleep(15);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                String paths = req.taskEnv().get("GROVE_TASK_PATHS");
                Path file = req.workDir().resolve(paths.replace("/**", "")).resolve("DONE.md");
                Files.createDirectories(file.getParent());
                Files.writeString(file, "done\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new AgentOutcome.Finished("ok", Duration.ofMillis(600));
        };
    }

    @Test
    void sixteenTasksEditTheCommentAtMostOncePerIntervalAndTheLastEditIsTheFinalState() throws Exception {
        Path origin = GitFixtures.createOrigin(tmp);
        dev.grove.testing.RecordingGitHub github = new dev.grove.testing.RecordingGitHub();
        List<Instant> times = Collections.synchronizedList(new ArrayList<>());
        RunnerSettings settings = new RunnerSettings(tmp.resolve("data"), 16, Duration.ofMinutes(2),
                RunnerSettings.BRANCH_PREFIX);
        Clock clock = Clock.systemUTC();
        FileStateStore store = new FileStateStore(settings.dataDir().resolve("state.json"));
        PipelineSteps steps = PipelineSteps.create(id -> new TimedGitHub(github, times), null,
                new JGitClient(settings.cacheDir()), AgentCatalog.single(busy()), IssueBudget.UNLIMITED, store,
                settings, clock);
        IssueRunner runner = new IssueRunner(steps, settings, pool, TaskProgressListener.NONE)
                .pacingComments(CommentPacer.withTimer(clock, INTERVAL));
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= 16; i++) {
            body.append("- [ ] Task number ").append(i).append("\n  paths: area").append(i).append("/**\n");
        }
        // 16 tasks: the repository's max_tasks allows them (the default is 8)
        dev.grove.config.RepoConfig d = dev.grove.config.RepoConfig.defaults("grove", 16);
        dev.grove.config.RepoConfig config = new dev.grove.config.RepoConfig(d.triggerLabel(), 16, d.branchPrefix(),
                d.base(), d.permission(), d.requireCodeOwners(), d.agent(), d.verify(), d.verifyTimeout(),
                d.draftOnFailure(), d.deleteBranchOnMerge(), 16, d.measure(), d.budget(), d.closeIssue(),
                d.ciFixAttempts(), d.setup(), d.autoResolve());
        IssueRunner.Result result = runner.run(new RunRequest(REPO, 1, 9, "Sixteen", body.toString(), "octocat",
                GitFixtures.fileUrl(origin), "main"), new RunOptions(config, java.util.Set.of(), null));

        assertEquals(16, result.tasks().size());
        for (TaskRecord t : result.tasks()) assertEquals(TaskStatus.PR_OPENED, t.status(), t.toString());
        assertTrue(github.bodies().stream().anyMatch(b -> b.contains("agent running: step")),
                "progress reached the comment");
        List<Instant> at = List.copyOf(times);
        for (int i = 1; i < at.size(); i++) {
            Duration gap = Duration.between(at.get(i - 1), at.get(i));
            assertTrue(gap.compareTo(INTERVAL.minusMillis(20)) >= 0, "edit " + i + " came " + gap + " after the one"
                    + " before: " + at);
        }
        String last = github.bodies().get(github.bodies().size() - 1);
        for (int i = 1; i <= 16; i++) {
            assertTrue(last.contains("Task number " + i), last);
        }
        long done = last.lines().filter(l -> l.contains("Task number") && l.contains(":white_check_mark:")).count();
        assertEquals(16, done, "every task done in the last edit: " + last);
        assertTrue(!last.contains("agent running"), last);
    }

    /** Stamps each comment write with its time. */
    static final class TimedGitHub implements dev.grove.github.GitHubGateway {
        final dev.grove.testing.RecordingGitHub inner;
        final List<Instant> times;

        TimedGitHub(dev.grove.testing.RecordingGitHub inner, List<Instant> times) {
            this.inner = inner;
            this.times = times;
        }

        public String permissionOf(RepoRef repo, String user) {
            return inner.permissionOf(repo, user);
        }

        public long commentOnIssue(RepoRef repo, int issue, String body) {
            times.add(Instant.now());
            return inner.commentOnIssue(repo, issue, body);
        }

        public void editIssueComment(RepoRef repo, long id, String body) {
            times.add(Instant.now());
            inner.editIssueComment(repo, id, body);
        }

        public java.util.Optional<dev.grove.github.PullRequestRef> findPullRequest(RepoRef repo, String head) {
            return inner.findPullRequest(repo, head);
        }

        public dev.grove.github.PullRequestRef openPullRequest(RepoRef repo, dev.grove.github.PullRequestDraft d) {
            return inner.openPullRequest(repo, d);
        }
    }
}
