package dev.grove.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.pipeline.IssueBudget;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.store.SavedPlan;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.PipelineFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher with the shared recording GitHub: one permission gate, generated help, code owners. */
class CommandDispatcherTest {
    @TempDir
    Path tmp;

    static Triggers.Comment comment(PipelineFixture f, String body) {
        return new Triggers.Comment(f.request("Notes", "- [ ] Docs\n  paths: docs/**\n- [ ] Code\n  paths: src/**\n"),
                body, false);
    }

    @Test
    void helpIsGeneratedFromTheHandlers() {
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("x.md", null), IssueBudget.UNLIMITED, 1)) {
            String help = f.dispatcher.helpText();
            for (String usage : List.of("`/grove plan`", "`/grove run`", "`/grove status`", "`/grove cancel [task]`",
                    "`/grove retry <task>`", "`/grove revise <instructions>`", "`/grove try 3 [task 2]`",
                    "`/grove pick 2`", "`/grove help`")) {
                assertTrue(help.contains("| " + usage), usage + " in\n" + help);
            }
            f.dispatcher.onComment(comment(f, "/grove help"));
            assertEquals(List.of(help), f.github.commentsOn(7));
            f.dispatcher.onComment(comment(f, "/grove frobnicate"));
            assertTrue(f.github.commentsOn(7).get(1).endsWith(help), "a malformed command is answered with the help");
        }
    }

    @Test
    void theAuthorizerIsTheOnlyGateSoATryNeverSaysAddTheLabel() {
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("notes.txt", null),
                IssueBudget.UNLIMITED, 1)) {
            // the gate reads the role (write); the legacy permission API, which the runners used to ask again, says read
            f.github.role("alice", "write").permission("alice", "read");
            f.dispatcher.onComment(comment(f, "/grove try 2"));

            List<String> posted = f.github.commentsOn(7);
            assertEquals(1, posted.size(), posted.toString());
            assertTrue(posted.get(0).contains("### Grove: 2 attempts at #7"), posted.get(0));
            assertFalse(posted.stream().anyMatch(c -> c.contains("add the label")), posted.toString());
            assertEquals(1, f.github.permissionLookups(), "one gate, asked once");
            assertTrue(GitFixtures.refs(f.origin).containsKey("refs/heads/grove/7-try-1"));
        }
    }

    /**
     * Task 2 ("Code") waits for task 1's PR to merge; the merge comes while `/grove try` holds the issue, so the merge
     * cannot start it (a run is going). As the experiment ends, task 2 starts.
     */
    @Test
    void aTaskWhosePredecessorMergedDuringATryStartsAsTheTryEnds() {
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("notes.txt", null),
                IssueBudget.UNLIMITED, 1)) {
            Triggers.Comment tryTwo = comment(f, "/grove try 2");
            Task docs = new Task(1, "Docs", "", List.of("docs/**"), List.of());
            Task code = new Task(2, "Code", "", List.of("src/**"), List.of(1));
            f.store.savePlan(new SavedPlan(tryTwo.req(), new Plan(List.of(docs, code), List.of(List.of(docs),
                    List.of(code)), List.of("task 2 after task 1"), "checklist", null)));
            TaskKey first = new TaskKey(PipelineFixture.REPO, PipelineFixture.ISSUE, "docs");
            TaskKey second = new TaskKey(PipelineFixture.REPO, PipelineFixture.ISSUE, "code");
            f.store.saveTask(TaskRecord.queued(first, 1, "Docs").withStatus(TaskStatus.MERGED)
                    .withBranch("grove/7-docs").withPullRequest(101, "https://github.com/octo-org/shop/pull/101"));
            f.store.saveTask(TaskRecord.queued(second, 2, "Code").withStatus(TaskStatus.WAITING));

            f.dispatcher.onComment(tryTwo);

            assertTrue(GitFixtures.refs(f.origin).containsKey("refs/heads/grove/7-try-2"), "the try ran");
            TaskRecord now = f.store.task(second).orElseThrow();
            assertEquals(TaskStatus.PR_OPENED, now.status(), "task 2 started as the try ended: " + now);
            assertTrue(GitFixtures.refs(f.origin).containsKey("refs/heads/" + now.branch()), now.branch());
        }
    }

    @Test
    void aReaderGetsOneReplyAndNothingRuns() {
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("x.md", null), IssueBudget.UNLIMITED, 1)) {
            f.github.role("alice", "read");
            for (String c : List.of("/grove run", "/grove try 2", "/grove pick 1")) {
                f.dispatcher.onComment(comment(f, c));
            }
            // refused on each, but answered once: a refusal is said once per user and issue per hour
            List<String> posted = f.github.commentsOn(7);
            assertEquals(1, posted.size(), posted.toString());
            posted.forEach(p -> assertTrue(p.contains("write access") && p.contains("yours: read")
                    && !p.contains("add the label"), p));
            assertTrue(f.github.openedPullRequests().isEmpty());
            assertFalse(GitFixtures.refs(f.origin).keySet().stream().anyMatch(r -> r.contains("grove/")));
        }
    }

    @Test
    void codeOwnersDecideWhichTasksRun() {
        try (PipelineFixture f = new PipelineFixture(tmp, PipelineFixture.writing("src/x.md", null),
                IssueBudget.UNLIMITED, 1)) {
            f.github.role("alice", "write").file(".github/grove.yml", "require_code_owners: true\n")
                    .file(".github/CODEOWNERS", "docs/** @bob\nsrc/** @alice\n");
            f.dispatcher.onComment(comment(f, "/grove run"));

            String refusal = f.github.commentsOn(7).get(0);
            assertTrue(refusal.contains("task 1 (Docs): one of @bob (or an admin) can run it")
                    && refusal.contains("Starting the others: [2]"), refusal);
            assertEquals(List.of("grove/7-code"), f.github.openedPullRequests().stream().map(d -> d.head()).toList());
        }
    }
}
