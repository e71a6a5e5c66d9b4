package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.store.Database;
import dev.grove.store.JdbcStateStore;
import java.time.Clock;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * From a signed {@code issues.labeled} delivery (GitHub's published payload) POSTed to a running {@code grove serve}
 * to branches on a real origin and pull requests on a WireMock GitHub that answers with GitHub's own examples.
 */
class IssueLabeledFlowIT extends GroveE2E {
    /** The shared three-task body, plus a checked item that must not become a task. */
    static final String BODY = GroveE2E.BODY + "- [x] Already done, not a task\n";
    static final Map<String, String> BRANCH_FILES = Map.of(
            "grove/7-add-a-discount-rule", "src/cart/CHANGES.md",
            "grove/7-make-search-ignore-case", "src/search/CHANGES.md",
            "grove/7-write-the-release-notes", "docs/CHANGES.md");
    @Test
    void opensOnePullRequestPerTaskFromALabeledIssue() throws Exception {
        String mainBefore = GitFixtures.originBranchSha(origin, "main");
        startServer(exampleAgent(1));
        labelIssue(BODY);

        assertEquals(BRANCH_FILES.keySet(), groveBranchesOnOrigin());
        assertEquals(mainBefore, GitFixtures.originBranchSha(origin, "main"), "main untouched");
        Path clone = dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
        for (var e : BRANCH_FILES.entrySet()) {
            String b = e.getKey();
            assertEquals("1", GitFixtures.runGit(origin, "rev-list", "--count", "main.." + b), b + ": one commit on main");
            assertEquals(e.getValue(), GitFixtures.runGit(origin, "diff", "--name-only", "main", b), b + ": only its file");
            assertTrue(GitFixtures.runGit(origin, "log", "-1", "--format=%B", b).contains("Refs #7"), b);
            assertEquals("origin", GitFixtures.runGit(clone, "config", "--get", "branch." + b + ".remote"));
            assertEquals("refs/heads/" + b, GitFixtures.runGit(clone, "config", "--get", "branch." + b + ".merge"),
                    "the upstream is the task branch itself, not main");
        }

        List<ReceivedRequest> prs = github.requests("POST", "/repos/octo-org/shop/pulls");
        assertEquals(3, prs.size());
        for (ReceivedRequest pr : prs) {
            String head = pr.body().path("head").asText();
            assertTrue(BRANCH_FILES.containsKey(head), head);
            assertEquals("main", pr.body().path("base").asText());
            String body = pr.body().path("body").asText();
            assertTrue(body.startsWith("Part of #7"), body);
            assertTrue(body.contains("`" + BRANCH_FILES.get(head) + "`"), body);
            assertTrue(body.contains("example agent: edited"), "the agent's last lines: " + body);
        }

        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/issues/7/comments").size(), "one tracking comment");
        assertEquals("eyes", github.requests("POST", "/repos/octo-org/shop/issues/7/reactions").get(0).body()
                .path("content").asText(), "the label is acknowledged with a reaction on the issue");
        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/" + TRACKING_COMMENT);
        assertFalse(edits.isEmpty(), "the tracking comment is edited in place");
        String last = edits.get(edits.size() - 1).body().path("body").asText();
        assertTrue(last.contains("(done)"), last);
        for (int n = 101; n <= 103; n++) {
            assertTrue(last.contains("| #" + n + " |"), last);
        }
        assertEquals(3, last.split("PR opened", -1).length - 1, last);

        assertEquals(1, github.requests("POST", "/app/installations/4242/access_tokens").size(), "token cached");
        for (ReceivedRequest r : github.all()) {
            if (r.path().startsWith("/repos/")) {
                assertEquals("token " + TOKEN, r.header("Authorization"), r.url());
            }
        }
        assertTokenNowhereUnder(dataDir);

        String metrics = server.getAdmin("/metrics").body();
        assertTrue(metrics.contains("grove_webhook_deliveries_total{event=\"issues\",status=\"202\"} 1.0"), metrics);
        assertTrue(metrics.contains("grove_tasks_finished_total{outcome=\"pr_opened\"} 3.0"), metrics);
        assertTrue(metrics.contains("grove_agents_running 0.0"), metrics);
        String dashboard = server.getAdmin("/").body();
        for (String adminPath : List.of("/", "/metrics")) {
            assertEquals(404, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port() + adminPath)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "the webhook port serves " + adminPath);
        }
        for (String b : BRANCH_FILES.keySet()) {
            assertTrue(dashboard.contains("<code>" + b + "</code>"), dashboard);
        }
        assertTrue(dashboard.contains("example agent: edited src/cart/CHANGES.md"), "the agent's log tail: " + dashboard);
        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aSecondTriggerOpensNoSecondPullRequestNorComment() throws Exception {
        startServer(exampleAgent(0.2));
        labelIssue(BODY);
        Map<String, String> refs = GitFixtures.refs(origin);
        assertTrue(lastTrackingComment().contains("parallel speed-up"), lastTrackingComment());
        labelIssue(BODY); // the label removed and added again: a new delivery

        assertEquals(refs, GitFixtures.refs(origin), "nothing pushed again");
        assertFalse(lastTrackingComment().contains("speed-up"), "a run that ran nothing has no speed-up figure:\n"
                + lastTrackingComment());
        assertEquals(3, github.requests("POST", "/repos/octo-org/shop/pulls").size());
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/issues/7/comments").size());
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aLabelerWithoutWritePermissionGetsAReplyAndNothingRuns() throws Exception {
        github.stubPermission(REPO, USER, "read");
        startServer(exampleAgent(0));
        Map<String, String> refs = GitFixtures.refs(origin);
        labelIssue(BODY);

        List<ReceivedRequest> comments = github.requests("POST", "/repos/octo-org/shop/issues/7/comments");
        assertEquals(1, comments.size());
        String reply = comments.get(0).body().path("body").asText();
        assertTrue(reply.contains("@" + USER) && reply.contains("write access"), reply);
        assertEquals(refs, GitFixtures.refs(origin));
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertFalse(Files.exists(dataDir.resolve("worktrees")), "no worktree was made");
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aFailedAgentLeavesItsBranchAndLogAndPushesNothing() throws Exception {
        startServer("echo 'half done' > partial.txt; echo 'agent: giving up' >&2; exit 3");
        Map<String, String> refs = GitFixtures.refs(origin);
        labelIssue(BODY);

        assertEquals(refs, GitFixtures.refs(origin), "nothing pushed");
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        Path clone = dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
        for (String b : BRANCH_FILES.keySet()) {
            GitFixtures.runGit(clone, "rev-parse", "--verify", "refs/heads/" + b); // the local branch is kept
            Path wt = dataDir.resolve("worktrees").resolve(REPO.owner()).resolve(REPO.name()).resolve(b.replace('/', '_'));
            assertTrue(Files.exists(wt.resolve("partial.txt")), "the worktree is kept with the agent's work");
        }
        try (Stream<Path> logs = Files.walk(dataDir.resolve("tasks"))) {
            List<Path> agentLogs = logs.filter(p -> p.getFileName().toString().equals("agent.log")).toList();
            assertEquals(3, agentLogs.size());
            for (Path log : agentLogs) {
                assertTrue(Files.readString(log).contains("agent: giving up"), log.toString());
            }
        }
        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/" + TRACKING_COMMENT);
        String last = edits.get(edits.size() - 1).body().path("body").asText();
        assertEquals(3, last.split("agent exited with code 3", -1).length - 1, last);
        github.assertNoUnmatchedRequests();
    }

    @Test
    void anAgentThatChangesNothingLeavesNoBranchAndNoPullRequest() throws Exception {
        startServer("echo 'looked around, nothing to do'");
        Map<String, String> refs = GitFixtures.refs(origin);
        labelIssue(BODY);

        assertEquals(refs, GitFixtures.refs(origin));
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        Path clone = dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
        assertEquals("", GitFixtures.runGit(clone, "for-each-ref", "refs/heads/grove/"), "local branches removed");
        assertEquals(1, GitFixtures.runGit(clone, "worktree", "list").lines().count(), "worktrees removed");
        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/" + TRACKING_COMMENT);
        String last = edits.get(edits.size() - 1).body().path("body").asText();
        assertEquals(3, last.split("no changes", -1).length - 1, last);
    }

    @Test
    void aTriggerWhileTheIssuesRunIsGoingStartsNoSecondRun() throws Exception {
        startServer(exampleAgent(1.5));
        byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin),
                ISSUE, "Release prep", BODY, "grove", INSTALLATION));
        URI base = URI.create("http://localhost:" + server.port());
        assertEquals(202, WebhookFixtures.deliver(base, "issues", "first", body, SECRET).statusCode());
        Thread.sleep(300);
        byte[] again = WebhookFixtures.bytes(WebhookFixtures.fresh(WebhookFixtures.issuesLabeled(REPO.fullName(),
                GitFixtures.fileUrl(origin), ISSUE, "Release prep", BODY, "grove", INSTALLATION), 2));
        assertEquals(202, WebhookFixtures.deliver(base, "issues", "second", again, SECRET).statusCode());
        assertTrue(server.awaitIdle(Duration.ofSeconds(90)));

        List<ReceivedRequest> comments = github.requests("POST", "/repos/octo-org/shop/issues/7/comments");
        assertEquals(2, comments.size(), "the tracking comment and one reply");
        assertTrue(comments.stream().anyMatch(c -> c.body().path("body").asText().contains("still going")));
        assertEquals(3, github.requests("POST", "/repos/octo-org/shop/pulls").size());
        assertEquals(BRANCH_FILES.keySet(), groveBranchesOnOrigin());
    }

    @Test
    void anIssueWhoseChecklistIsAllDoneRunsNothingAndSaysSo() throws Exception {
        startServer(exampleAgent(0));
        byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin),
                ISSUE, "Release prep", "- [x] done already\n- [x] this too\n", "grove", INSTALLATION));
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues", "d-1",
                body, SECRET).statusCode());
        assertTrue(server.awaitIdle(Duration.ofSeconds(30)));

        List<ReceivedRequest> comments = github.requests("POST", "/repos/octo-org/shop/issues/7/comments");
        assertEquals(1, comments.size());
        assertTrue(comments.get(0).body().path("body").asText().contains("nothing to run"));
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertFalse(Files.exists(dataDir.resolve("cache")), "nothing was cloned");
    }

    @Test
    void aPushInterruptedByARestartResumesAtThePullRequestWithoutRunningTheAgentAgain() throws Exception {
        // the state a stop during task 1's push leaves: the record says PUSHING, and the push had landed on origin
        String branch = "grove/7-add-a-discount-rule";
        String landed = GitFixtures.commitOnOrigin(origin, branch, "src/cart/CHANGES.md", "- Add a discount rule\n",
                "Add a discount rule\n\nRefs #7");
        try (Database db = Database.open(null, dataDir)) {
            new JdbcStateStore(db, "earlier", Clock.systemUTC(), Duration.ofSeconds(30)).saveTask(TaskRecord.queued(
                    new TaskKey(REPO, ISSUE, "add-a-discount-rule"), 1, "Add a discount rule")
                    .withStatus(TaskStatus.PUSHING).withBranch(branch));
        }
        github.stubCheckRunsLookup(REPO); // the resumed task looks for its check run on the pushed head first
        startServer(exampleAgent(0.2));
        labelIssue(BODY);

        assertEquals(landed, GitFixtures.originBranchSha(origin, branch), "not pushed again");
        assertEquals(1, github.requests("GET", "/repos/octo-org/shop/commits/" + landed + "/check-runs\\?.*").size(),
                "the resumed task looked for its check run on the head that landed");
        assertEquals(List.of(landed), github.requests("POST", "/repos/octo-org/shop/check-runs").stream()
                .filter(r -> r.body().path("name").asText().equals("grove / Add a discount rule"))
                .map(r -> r.body().path("head_sha").asText()).toList(), "found none, so made one, on that head");
        assertEquals(BRANCH_FILES.keySet(), groveBranchesOnOrigin(), "no second branch for task 1");
        assertFalse(Files.exists(dataDir.resolve("tasks/octo-org/shop/7/add-a-discount-rule/agent.log")),
                "task 1's agent did not run again");
        assertEquals(BRANCH_FILES.keySet(), github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .map(r -> r.body().path("head").asText()).collect(Collectors.toSet()), "its PR is opened like the others");
        assertCleanTraffic();
    }

    static void assertTokenNowhereUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertFalse(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains(TOKEN),
                        "the installation token was written to " + f);
            }
        }
    }
}
