package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.grove.agent.AgentOutcome;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.PipelineFixture;
import dev.grove.testing.RecordingGitHub;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
        return new PipelineFixture(tmp, r -> new AgentOutcome.Finished("done", java.time.Duration.ZERO), IssueBudget.UNLIMITED, 1);
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
}
