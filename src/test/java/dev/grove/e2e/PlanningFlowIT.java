package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.app.AppConfig;
import dev.grove.app.GroveServer;
import dev.grove.github.PullRequestRef;
import dev.grove.github.RepoRef;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning through a running {@code grove serve}: a {@code grove} YAML block with {@code after} and an overlapping
 * pair (waves, the merge check, a task flagged for changing files outside its paths), a cycle (nothing runs), and an
 * issue without a written plan that the planner agent splits.
 */
class PlanningFlowIT {
    static final String SECRET = "e2e-webhook-secret";
    static final String TOKEN = "ghs_e2eInstallationToken0123456789";
    static final RepoRef REPO = new RepoRef("octo-org", "shop");
    static final long INSTALLATION = 4242;
    static final int ISSUE = 7;
    static final long TRACKING_COMMENT = 9001;
    static final Path EXAMPLE_AGENT = Path.of("src/main/resources/examples/example-agent.sh").toAbsolutePath();

    @TempDir
    Path tmp;
    GitHubApiStub github;
    GroveServer server;
    Path origin;
    Path dataDir;

    @BeforeEach
    void setUp() {
        github = new GitHubApiStub();
        origin = GitFixtures.createOrigin(tmp);
        dataDir = tmp.resolve("data");
        github.stubAccessToken(INSTALLATION, TOKEN, Instant.now().plus(Duration.ofHours(1)));
        github.stubRepository(REPO);
        github.stubPermission(REPO, "Codertocat", "write");
        github.stubCreateIssueComment(REPO, ISSUE, TRACKING_COMMENT);
        github.stubEditIssueComment(REPO, TRACKING_COMMENT);
        github.stubListPulls(REPO);
        github.stubFileNotFound(REPO, ".github/grove.yml"); // no repository config: the defaults
        github.stubCreateCheckRun(REPO, 7001);
        github.stubUpdateCheckRun(REPO, 7001);
    }

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        github.close();
    }

    void stubPulls(List<String> branches) {
        int n = 101;
        for (String branch : branches) {
            github.stubCreatePull(REPO, branch, new PullRequestRef(n, "https://github.com/" + REPO + "/pull/" + n));
            n++;
        }
    }

    void startServer(String agentCommand) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path key = Files.writeString(tmp.resolve("app.pem"), pem);
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", key.toString());
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_DATA_DIR", dataDir.toString());
        env.put("GROVE_MAX_PARALLEL", "3");
        env.put("GROVE_AGENT_TIMEOUT", "60s");
        env.put("GROVE_AGENT_COMMAND", agentCommand);
        server = GroveServer.start(AppConfig.fromEnv(env));
    }

    void label(String body) throws Exception {
        byte[] payload = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin),
                ISSUE, "Release prep", body, "grove", INSTALLATION));
        HttpResponse<String> r = WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues",
                "delivery-1", payload, SECRET);
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(server.awaitIdle(Duration.ofSeconds(90)), "the run finished");
    }

    String lastTrackingComment() {
        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/9001");
        if (!edits.isEmpty()) {
            return edits.get(edits.size() - 1).body().path("body").asText();
        }
        List<ReceivedRequest> posts = github.requests("POST", "/repos/octo-org/shop/issues/7/comments");
        return posts.get(posts.size() - 1).body().path("body").asText();
    }

    Set<String> groveBranchesOnOrigin() {
        return GitFixtures.refs(origin).keySet().stream().filter(r -> r.startsWith("refs/heads/grove/"))
                .map(r -> r.substring("refs/heads/".length())).collect(Collectors.toSet());
    }

    @Test
    void aGroveBlockRunsInWavesAndTheTrackingCommentShowsConflictsAndOutOfScopeChanges() throws Exception {
        List<String> branches = List.of("grove/7-add-a-discount-rule", "grove/7-log-cart-changes",
                "grove/7-write-the-release-notes", "grove/7-tidy-the-java-sources");
        stubPulls(branches);
        startServer("EXAMPLE_AGENT_SECONDS=0.2 sh '" + EXAMPLE_AGENT + "'");
        label("""
                The release, planned:

                ```grove
                tasks:
                  - title: Add a discount rule
                    paths: [src/cart/**]
                  - title: Log cart changes
                    instructions: One line per change.
                    paths: src/cart/CHANGES.md
                  - title: Write the release notes
                    paths: [docs/**]
                    after: [Add a discount rule]
                  - title: Tidy the Java sources
                    paths: ["src/**/*.java"]
                ```
                """);

        assertEquals(Set.copyOf(branches), groveBranchesOnOrigin());
        // tasks 1 and 2 both append to src/cart/CHANGES.md from the same base: an add/add conflict
        assertEquals("src/cart/CHANGES.md", GitFixtures.runGit(origin, "diff", "--name-only", "main",
                "grove/7-log-cart-changes"));
        String comment = lastTrackingComment();
        assertTrue(comment.contains("(done)"), comment);
        assertTrue(comment.contains("**Waves**: 1: task 1 · 2: task 2, task 3 · 3: task 4"), comment);
        assertTrue(comment.contains("- Task 2 (Log cart changes) waits for task 1 (Add a discount rule): `src/cart/**` "
                + "and `src/cart/CHANGES.md` may cover the same files."), comment);
        assertTrue(comment.contains("- Task 3 (Write the release notes) waits for task 1 (Add a discount rule): it "
                + "names it in `after`."), comment);
        assertTrue(comment.contains("- :x: Task 1 and task 2 conflict in `src/cart/CHANGES.md`"), comment);
        assertTrue(comment.contains("- :white_check_mark: Merge cleanly: task 1 + task 3 · task 1 + task 4 · "
                + "task 2 + task 3 · task 2 + task 4 · task 3 + task 4"), comment);
        assertTrue(comment.contains("- All 4 together: conflicts in `src/cart/CHANGES.md`"), comment);
        // the example agent writes src/CHANGES.md for `src/**/*.java`: outside the task's paths
        assertTrue(comment.contains("- :warning: Task 4 changed `src/CHANGES.md`"), comment);

        Map<String, String> bodies = github.requests("POST", "/repos/octo-org/shop/pulls").stream().collect(
                Collectors.toMap(r -> r.body().path("head").asText(), r -> r.body().path("body").asText()));
        assertEquals(4, bodies.size());
        assertTrue(bodies.get("grove/7-tidy-the-java-sources").contains("This task changed 1 file outside its paths "
                + "(`src/**/*.java`): `src/CHANGES.md`."), bodies.get("grove/7-tidy-the-java-sources"));
        assertFalse(bodies.get("grove/7-add-a-discount-rule").contains("outside its paths"));

        // both conflicting tasks' check runs turn neutral with the reason; the others are left as they were
        Map<String, String> neutral = github.requests("PATCH", "/repos/octo-org/shop/check-runs/7001").stream()
                .filter(r -> "neutral".equals(r.body().path("conclusion").asText())
                        && r.body().path("output").path("title").asText().startsWith("Conflicts"))
                .collect(Collectors.toMap(r -> r.body().path("external_id").asText(),
                        r -> r.body().path("output").path("summary").asText()));
        assertEquals(Set.of("octo-org/shop#7/add-a-discount-rule", "octo-org/shop#7/log-cart-changes"), neutral.keySet());
        assertTrue(neutral.get("octo-org/shop#7/add-a-discount-rule")
                .contains("`grove/7-log-cart-changes` (`src/cart/CHANGES.md`)"), neutral.toString());
        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aCycleOfAfterIsReportedAndNothingRuns() throws Exception {
        startServer("EXAMPLE_AGENT_SECONDS=0 sh '" + EXAMPLE_AGENT + "'");
        Map<String, String> refs = GitFixtures.refs(origin);
        label("""
                ```grove
                tasks:
                  - title: A
                    paths: [a/**]
                    after: [B]
                  - title: B
                    paths: [b/**]
                    after: [A]
                ```
                """);

        assertEquals(refs, GitFixtures.refs(origin), "nothing pushed");
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        String comment = lastTrackingComment();
        assertTrue(comment.contains(":warning: The tasks' `after` lists form a cycle: task 1 (A) waits for task 2 (B) "
                + "waits for task 1 (A); nothing runs."), comment);
        assertFalse(Files.exists(dataDir.resolve("worktrees")), "no worktree was made");
        github.assertNoUnmatchedRequests();
    }

    @Test
    void withoutAWrittenPlanThePlannerAgentSplitsTheIssue() throws Exception {
        List<String> branches = List.of("grove/7-write-the-guide", "grove/7-touch-the-app");
        stubPulls(branches);
        Path agent = tmp.resolve("agent.sh");
        Files.writeString(agent, """
                if [ "${GROVE_PLANNING:-}" = 1 ]; then
                  cat > /dev/null
                  echo 'I looked at the tree. Plan:'
                  echo '{"tasks": [{"title": "Write the guide", "paths": ["docs/**"]},'
                  echo '  {"title": "Touch the app", "instructions": "Keep it small.", "paths": ["src/main/java/demo/**"]}]}'
                  echo 'planner was here' > README.md
                  exit 0
                fi
                EXAMPLE_AGENT_SECONDS=0.2 exec sh '%s'
                """.formatted(EXAMPLE_AGENT));
        startServer("sh '" + agent + "'");
        label("Make the docs and the app nicer. No checklist here.");

        assertEquals(Set.copyOf(branches), groveBranchesOnOrigin());
        assertEquals("docs/CHANGES.md", GitFixtures.runGit(origin, "diff", "--name-only", "main", branches.get(0)));
        assertEquals("src/main/java/demo/CHANGES.md",
                GitFixtures.runGit(origin, "diff", "--name-only", "main", branches.get(1)));
        String comment = lastTrackingComment();
        assertTrue(comment.contains("- All 2 merge together cleanly, in any order."), comment);
        assertTrue(Files.isRegularFile(dataDir.resolve("tasks/octo-org/shop/7/plan/planner-1.log")));
        Path clone = dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
        assertEquals(3, GitFixtures.runGit(clone, "worktree", "list").lines().count(),
                "the two task worktrees; the planning worktree is gone");
        assertFalse(GitFixtures.runGit(clone, "for-each-ref", "--format=%(refname)", "refs/heads/").contains("-plan-"));
        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }
}
