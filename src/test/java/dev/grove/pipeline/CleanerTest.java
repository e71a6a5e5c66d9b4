package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentOutcome;
import dev.grove.git.JGitClient;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.store.SavedPlan;
import dev.grove.store.StateStore;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.PipelineFixture;
import dev.grove.testing.RecordingGitHub;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps after the last merge of an issue, each taken once: a job that stops midway (a crash, GitHub failing) is
 * retried (the durable queue revives it, or GitHub redelivers) and does what is left, never a step twice.
 */
class CleanerTest {
    static final String BODY = "- [ ] Add a discount rule\n- [ ] Write the release notes\n";

    @TempDir
    Path tmp;

    /** Two tasks of issue 7 with their PRs open (#101, #102). */
    static List<TaskRecord> twoOpenPullRequests(PipelineFixture f) {
        TaskRecord a = TaskRecord.queued(new TaskKey(PipelineFixture.REPO, PipelineFixture.ISSUE, "add-a-discount-rule"),
                1, "Add a discount rule").withStatus(TaskStatus.PR_OPENED).withBranch("grove/7-add-a-discount-rule")
                .withPullRequest(101, "https://github.com/octo-org/shop/pull/101");
        TaskRecord b = TaskRecord.queued(new TaskKey(PipelineFixture.REPO, PipelineFixture.ISSUE,
                        "write-the-release-notes"), 2, "Write the release notes").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/7-write-the-release-notes")
                .withPullRequest(102, "https://github.com/octo-org/shop/pull/102");
        f.store.saveTask(a);
        f.store.saveTask(b);
        return List.of(a, b);
    }

    long count(RecordingGitHub gh, String what) {
        return gh.calls().stream().filter(c -> c.what().equals(what)).count();
    }

    void merge(PipelineFixture f, int pr) throws IOException {
        new Cleaner(f.steps).closed(PipelineFixture.REPO, 1, GitFixtures.fileUrl(f.origin), pr, true, false, true);
    }

    PipelineFixture fixture() {
        return new PipelineFixture(tmp, r -> new AgentOutcome.Finished("done", Duration.ZERO), IssueBudget.UNLIMITED, 1);
    }

    @Test
    void aCrashBetweenTheTickAndTheCloseIsFinishedByTheRetry() throws Exception {
        try (PipelineFixture f = fixture()) {
            f.github.issue(PipelineFixture.ISSUE, BODY);
            twoOpenPullRequests(f);
            merge(f, 101);
            f.github.failOnce("closeIssue"); // the job stops after the tick and the summary, before the close
            assertThrows(java.io.UncheckedIOException.class, () -> merge(f, 102));
            assertEquals(TaskStatus.MERGED, f.store.taskByPullRequest(PipelineFixture.REPO, 102).orElseThrow().status(),
                    "the merge was recorded before the stop");

            merge(f, 102); // the retry
            assertEquals("- [x] Add a discount rule\n- [x] Write the release notes\n",
                    f.github.issueBodyNow(PipelineFixture.ISSUE), "both items ticked");
            assertEquals(2, count(f.github, "editIssueBody"), "each item ticked once");
            assertEquals(1, f.github.commentsOn(PipelineFixture.ISSUE).size(), "one summary");
            assertEquals(1, count(f.github, "closeIssue"), "and the issue closed, by the retry");

            merge(f, 102); // a further redelivery: nothing more
            assertEquals(2, count(f.github, "editIssueBody"));
            assertEquals(1, f.github.commentsOn(PipelineFixture.ISSUE).size());
            assertEquals(1, count(f.github, "closeIssue"));
        }
    }

    @Test
    void aCrashBetweenTheMergeRecordAndTheTickIsFinishedByTheRetry() throws Exception {
        try (PipelineFixture f = fixture()) {
            f.github.issue(PipelineFixture.ISSUE, BODY);
            twoOpenPullRequests(f);
            f.github.failOnce("editIssueBody");
            assertThrows(java.io.UncheckedIOException.class, () -> merge(f, 101));
            merge(f, 101);
            assertEquals("- [x] Add a discount rule\n- [ ] Write the release notes\n",
                    f.github.issueBodyNow(PipelineFixture.ISSUE), "the retry ticked the item");
            assertEquals(0, count(f.github, "closeIssue"), "one task still open: the issue stays open");
            merge(f, 102);
            assertEquals(1, count(f.github, "closeIssue"));
            assertEquals(1, f.github.commentsOn(PipelineFixture.ISSUE).size(), "one summary");
        }
    }

    /**
     * Two processes clean up #101's and #102's merges at once (the lock around clean-ups is per process): #101's
     * clean-up brings #102 up to date, and #102's clean-up in the other process records #102 merged between this
     * one's last read of #102 and its save. The merge stays recorded; the update is not saved over it.
     */
    @Test
    void aPullRequestRecordedMergedByAnotherProcessDuringItsUpdateStaysMerged() throws Exception {
        try (PipelineFixture f = fixture()) {
            f.github.issue(PipelineFixture.ISSUE, BODY);
            List<TaskRecord> open = twoOpenPullRequests(f);
            Task one = new Task(1, "Add a discount rule", "", List.of(), List.of());
            Task two = new Task(2, "Write the release notes", "", List.of(), List.of());
            f.store.savePlan(new SavedPlan(f.request("Shop", BODY), new Plan(List.of(one, two),
                    List.of(List.of(one, two)), List.of("one wave"), "checklist", null)));
            GitFixtures.commitOnOrigin(f.origin, open.get(0).branch(), "src/discount.txt", "10%\n", "discount");
            String notes = GitFixtures.commitOnOrigin(f.origin, open.get(1).branch(), "NOTES.md", "notes\n", "notes");
            GitFixtures.commitOnOrigin(f.origin, "main", "src/discount.txt", "10%\n", "Merge #101");
            TaskKey second = open.get(1).key();
            AtomicInteger reads = new AtomicInteger();
            // #102 is read twice by the update: when listed as open, and once its merge is made, before the push;
            // the other process records the merge right after the second read
            StateStore racing = (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                    new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(f.store, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("task") && second.equals(args[0]) && reads.incrementAndGet() == 2) {
                            f.store.saveTask(f.store.task(second).orElseThrow().withStatus(TaskStatus.MERGED)
                                    .withMessage("merged (the other process)"));
                        }
                        return result;
                    });
            PipelineSteps steps = PipelineSteps.create(id -> f.github, null, new JGitClient(f.settings.cacheDir()),
                    AgentCatalog.single(r -> new AgentOutcome.Finished("done", Duration.ZERO)), IssueBudget.UNLIMITED,
                    racing, f.settings, Clock.systemUTC());

            new Cleaner(steps).closed(PipelineFixture.REPO, 1, GitFixtures.fileUrl(f.origin), 101, true, false, false,
                    "main", "main", c -> { });

            assertEquals(2, reads.get(), "the update read #102 twice");
            String head = GitFixtures.originBranchSha(f.origin, open.get(1).branch());
            assertNotEquals(notes, head, "#102's branch was brought up to date (main merged in) and pushed");
            TaskRecord now = f.store.task(second).orElseThrow();
            assertEquals(TaskStatus.MERGED, now.status(), "the other process's merge is kept: " + now);
            assertEquals("merged (the other process)", now.message());
            assertEquals(TaskStatus.MERGED, f.store.taskByPullRequest(PipelineFixture.REPO, 101).orElseThrow().status());
        }
    }
}
