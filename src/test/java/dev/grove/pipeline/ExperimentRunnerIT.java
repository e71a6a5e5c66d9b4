package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.ProcessAgentRunner;
import dev.grove.model.Attempt;
import dev.grove.model.DiffStat;
import dev.grove.git.JGitClient;
import dev.grove.github.Hub4jGitHubGateway;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.store.FileStateStore;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /grove try 3} then {@code /grove pick 2}, through {@link ExperimentRunner} itself (the comment commands
 * are wired by the command parser): real agents in real worktrees, a real origin, WireMock as GitHub.
 */
class ExperimentRunnerIT {
    static final String TOKEN = "ghs_experimentToken0123456789";
    static final RepoRef REPO = new RepoRef("octo-org", "shop");
    static final long INSTALLATION = 4242;
    static final int ISSUE = 7;
    /** Attempt n writes n lines to notes.txt. */
    static final String AGENT = "cat > /dev/null; i=0; while [ $i -lt $GROVE_ATTEMPT ]; do echo \"line $i\" >> notes.txt; "
            + "i=$((i+1)); done; echo \"attempt $GROVE_ATTEMPT done\"";
    /** At most two lines pass; the measure is the line count. */
    static final ExperimentSettings SETTINGS = new ExperimentSettings("test $(wc -l < notes.txt) -le 2",
            "echo counting; wc -l < notes.txt", 5);

    @TempDir
    Path tmp;
    GitHubApiStub github;
    Path origin;
    Path dataDir;
    ExecutorService pool;
    JGitClient git;
    ExperimentRunner runner;
    FileStateStore store;
    RunRequest request;

    @BeforeEach
    void setUp() {
        github = new GitHubApiStub();
        github.stubRepository(REPO);
        github.stubPermission(REPO, "Codertocat", "write");
        github.stubEmptyIssueThreads(REPO); // the prompt carries the thread: none here
        github.stubCreateIssueComment(REPO, ISSUE, 555);
        github.stubListPulls(REPO);
        github.stubCreatePull(REPO, "grove/7-try-2", new PullRequestRef(120, "https://github.com/octo-org/shop/pull/120"));
        origin = GitFixtures.createOrigin(tmp);
        dataDir = tmp.resolve("data");
        RunnerSettings settings = new RunnerSettings(dataDir, 3, Duration.ofSeconds(60), RunnerSettings.BRANCH_PREFIX);
        pool = Executors.newCachedThreadPool();
        git = new JGitClient(settings.cacheDir());
        Hub4jGitHubGateway gateway = new Hub4jGitHubGateway(github.baseUrl(), id -> TOKEN, INSTALLATION);
        store = new FileStateStore(dataDir.resolve("state.json"));
        runner = new ExperimentRunner(PipelineSteps.create(id -> gateway, null, git,
                AgentCatalog.single(new ProcessAgentRunner(AGENT, List.of())), IssueBudget.UNLIMITED, store, settings,
                Clock.systemUTC()), settings, pool);
        request = new RunRequest(REPO, INSTALLATION, ISSUE, "Speed up search", "Make search faster.", "Codertocat",
                GitFixtures.fileUrl(origin), "main");
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        github.close();
    }

    Set<String> groveBranchesOnOrigin() {
        return GitFixtures.refs(origin).keySet().stream().filter(r -> r.startsWith("refs/heads/grove/"))
                .map(r -> r.substring("refs/heads/".length())).collect(Collectors.toSet());
    }

    @Test
    void tryThreeThenPickTwoOpensOnePullRequestAndRemovesTheOtherAttempts() throws Exception {
        String mainBefore = GitFixtures.originBranchSha(origin, "main");
        var ran = assertInstanceOf(ExperimentRunner.TryOutcome.Ran.class, runner.tryAttempts(request, 3, null, SETTINGS));

        assertEquals(Set.of("grove/7-try-1", "grove/7-try-2", "grove/7-try-3"), groveBranchesOnOrigin());
        for (int n = 1; n <= 3; n++) {
            assertEquals(n, GitFixtures.runGit(origin, "show", "grove/7-try-" + n + ":notes.txt").lines().count());
        }
        List<Attempt> attempts = ran.attempts();
        assertEquals(List.of(true, true, false), attempts.stream().map(Attempt::verified).toList());
        assertEquals(List.of(1.0, 2.0, 3.0), attempts.stream().map(Attempt::measure).toList());
        assertEquals(new DiffStat(1, 2, 0), attempts.get(1).diff());
        assertTrue(attempts.get(2).note().contains("failed: verify command exited with code 1"), attempts.get(2).note());

        List<ReceivedRequest> comments = github.requests("POST", "/repos/octo-org/shop/issues/7/comments");
        assertEquals(1, comments.size(), "one comparison table");
        String table = comments.get(0).body().path("body").asText();
        assertTrue(table.contains("### Grove: 3 attempts at #7"), table);
        assertTrue(table.contains("| Attempt | Branch | Verify | Diff | Files | Time | Measure |"), table);
        assertTrue(table.matches("(?s).*\\| 2 \\| `grove/7-try-2` \\| :white_check_mark: passed \\| \\+2 −0 \\| 1 \\| [^|]+ \\| 2 \\|.*"), table);
        assertTrue(table.matches("(?s).*\\| 3 \\| `grove/7-try-3` \\| :x: failed \\| \\+3 −0 \\| 1 \\| [^|]+ \\| 3 \\|.*"), table);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty(), "no PR before a pick");

        var picked = assertInstanceOf(ExperimentRunner.PickOutcome.Opened.class, runner.pick(request, 2));

        assertEquals(120, picked.pullRequest().number());
        assertEquals(List.of("grove/7-try-1", "grove/7-try-3"), picked.removedBranches());
        List<ReceivedRequest> prs = github.requests("POST", "/repos/octo-org/shop/pulls");
        assertEquals(1, prs.size());
        assertEquals("grove/7-try-2", prs.get(0).body().path("head").asText());
        assertEquals("main", prs.get(0).body().path("base").asText());
        assertEquals(Set.of("grove/7-try-2"), groveBranchesOnOrigin(), "the other attempts' branches are gone");
        Path clone = dataDir.resolve("cache/octo-org/shop.git");
        assertEquals("refs/heads/grove/7-try-2", GitFixtures.runGit(clone, "for-each-ref", "--format=%(refname)",
                "refs/heads/grove/"), "locally too");
        Path worktrees = dataDir.resolve("worktrees/octo-org/shop");
        assertFalse(Files.exists(worktrees.resolve("grove_7-try-1")));
        assertFalse(Files.exists(worktrees.resolve("grove_7-try-3")));
        assertTrue(Files.exists(worktrees.resolve("grove_7-try-2/notes.txt")), "the kept attempt's worktree stays");
        assertEquals(2, GitFixtures.runGit(clone, "worktree", "list").lines().count());
        assertEquals(mainBefore, GitFixtures.originBranchSha(origin, "main"));
        String last = github.requests("POST", "/repos/octo-org/shop/issues/7/comments").get(1).body().path("body").asText();
        assertTrue(last.startsWith("Kept attempt 2 (`grove/7-try-2`): #120. Removed `grove/7-try-1`, `grove/7-try-3`"), last);
        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }

    @Test
    void refusesTooManyAttemptsASecondTryAndAPickOfNothing() throws Exception {
        var tooMany = assertInstanceOf(ExperimentRunner.TryOutcome.Refused.class,
                runner.tryAttempts(request, 6, null, SETTINGS));
        assertTrue(tooMany.message().contains("Grove runs 1 to 5 at once"), tooMany.message());
        var none = assertInstanceOf(ExperimentRunner.PickOutcome.Refused.class, runner.pick(request, 1));
        assertTrue(none.message().contains("has no attempts to pick from"), none.message());

        runner.tryAttempts(request, 1, null, new ExperimentSettings(null, null, 5));
        var again = assertInstanceOf(ExperimentRunner.TryOutcome.Refused.class,
                runner.tryAttempts(request, 2, null, SETTINGS));
        assertTrue(again.message().contains("has attempts already (`grove/7-try-1`)"), again.message());
        var wrong = assertInstanceOf(ExperimentRunner.PickOutcome.Refused.class, runner.pick(request, 4));
        assertTrue(wrong.message().contains("There is no pushed attempt 4 of #7 (attempts: 1)"), wrong.message());
        assertEquals(Set.of("grove/7-try-1"), groveBranchesOnOrigin());
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        github.assertNoUnmatchedRequests();
    }

    @Test
    void taskKOfTheIssuesPlanIsTheOneTried() throws Exception {
        RunRequest withPlan = new RunRequest(REPO, INSTALLATION, ISSUE, "Two things", """
                - [ ] Docs
                  paths: docs/**
                - [ ] Notes
                  paths: notes.txt
                  Keep notes short.
                """, "Codertocat", GitFixtures.fileUrl(origin), "main");
        var ran = assertInstanceOf(ExperimentRunner.TryOutcome.Ran.class,
                runner.tryAttempts(withPlan, 2, 2, new ExperimentSettings(null, null, 5, List.of("Be bold.", "Be careful."),
                        null)));
        assertTrue(ran.comment().contains("### Grove: 2 attempts at task 2 of #7 (Notes)"), ran.comment());
        assertNull(ran.attempts().get(0).verified());
        String prompt1 = Files.readString(dataDir.resolve("tasks/octo-org/shop/7/~try-1/prompt.md"));
        String prompt2 = Files.readString(dataDir.resolve("tasks/octo-org/shop/7/~try-2/prompt.md"));
        assertTrue(prompt1.contains("Your task: Notes") && prompt1.contains("Keep notes short.")
                && prompt1.contains("Be bold.") && !prompt1.contains("Be careful."), prompt1);
        assertTrue(prompt2.contains("Be careful."), prompt2);
        var missing = assertInstanceOf(ExperimentRunner.TryOutcome.Refused.class,
                runner.tryAttempts(withPlan, 2, 9, SETTINGS));
        assertEquals("The plan of #7 has no task 9 (it has 2); `/grove plan` shows the tasks and their numbers.",
                missing.message());
    }
}
