package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GroveProcess;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end test of the GitHub triggers shares: a real bare origin, a strict WireMock GitHub answering
 * with GitHub's examples, the packaged jar running {@code grove serve} as its own process (as users run it, with its
 * settings and secrets in its own environment), and GitHub's published payloads, adjusted where noted, signed and
 * POSTed over HTTP.
 */
abstract class GroveE2E {
    static final String SECRET = "e2e-webhook-secret";
    static final String TOKEN = "ghs_e2eInstallationToken0123456789";
    static final String APP_ID = "12345";
    static final RepoRef REPO = new RepoRef("octo-org", "shop");
    static final long INSTALLATION = 4242;
    static final int ISSUE = 7;
    static final long TRACKING_COMMENT = 9001;
    static final long CHECK_RUN = 7001;
    static final String USER = "Codertocat";
    static final String BODY = """
            Split the release work:

            - [ ] Add a discount rule
              paths: src/cart/**
            - [ ] Make search ignore case
              paths: src/search/**
            - [ ] Write the release notes
              paths: docs/**
            """;
    static final List<String> BRANCHES = List.of("grove/7-add-a-discount-rule", "grove/7-make-search-ignore-case",
            "grove/7-write-the-release-notes");
    static final Path EXAMPLE_AGENT = Path.of("src/main/resources/examples/example-agent.sh").toAbsolutePath();

    @TempDir
    Path tmp;
    GitHubApiStub github;
    GroveProcess server;
    Path origin;
    Path dataDir;
    final AtomicInteger deliveries = new AtomicInteger();

    @BeforeEach
    void setUpGitHub() {
        github = new GitHubApiStub();
        origin = GitFixtures.createOrigin(tmp);
        dataDir = tmp.resolve("data");
        github.stubAccessToken(INSTALLATION, TOKEN, Instant.now().plus(Duration.ofHours(1)));
        github.stubRepository(REPO);
        github.stubReactions(REPO);
        github.stubPermission(REPO, USER, "write");
        github.stubEmptyIssueThreads(REPO); // the prompt carries the thread: none here
        github.stubCreateIssueComment(REPO, ISSUE, TRACKING_COMMENT);
        github.stubEditIssueComment(REPO, TRACKING_COMMENT);
        github.stubListPulls(REPO);
        github.stubFileNotFound(REPO, ".github/grove.yml");
        github.stubCreateCheckRun(REPO, CHECK_RUN);
        github.stubUpdateCheckRun(REPO, CHECK_RUN);
        for (int i = 0; i < BRANCHES.size(); i++) {
            github.stubCreatePull(REPO, BRANCHES.get(i), pr(101 + i));
            github.stubCreateIssueComment(REPO, 101 + i, 9100 + i);
        }
    }

    @AfterEach
    void tearDownServer() {
        if (server != null) server.close();
        github.close();
    }

    static PullRequestRef pr(int n) {
        return new PullRequestRef(n, "https://github.com/" + REPO + "/pull/" + n);
    }

    void startServer(String agentCommand) throws Exception {
        startServer(agentCommand, Map.of());
    }

    /** Starts {@code java -jar grove.jar serve}; {@code extraEnv} is added to (or overrides) the usual settings. */
    void startServer(String agentCommand, Map<String, String> extraEnv) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path key = Files.writeString(tmp.resolve("app.pem"), pem);
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_PORT", "0");
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", APP_ID);
        env.put("GROVE_PRIVATE_KEY_FILE", key.toString());
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_DATA_DIR", dataDir.toString());
        env.put("GROVE_MAX_PARALLEL", "3");
        env.put("GROVE_AGENT_TIMEOUT", "60s");
        // the flows assert intermediate states of the tracking comment; per-issue pacing has its own tests
        env.put("GROVE_COMMENT_INTERVAL", "0"); // no pacing: the flows assert intermediate states
        env.put("GROVE_AGENT_COMMAND", agentCommand);
        env.putAll(extraEnv);
        server = GroveProcess.serve(env, tmp.resolve("logs"));
    }

    static String exampleAgent(double seconds) {
        return "EXAMPLE_AGENT_SECONDS=" + seconds + " sh '" + EXAMPLE_AGENT + "'";
    }

    // ---- payloads ----------------------------------------------------------------------------------------------

    void pointAtRepo(ObjectNode p) {
        ObjectNode repo = (ObjectNode) p.get("repository");
        repo.put("full_name", REPO.fullName());
        repo.put("name", REPO.name());
        ((ObjectNode) repo.get("owner")).put("login", REPO.owner());
        repo.put("clone_url", GitFixtures.fileUrl(origin));
        repo.put("default_branch", "main");
        p.putObject("installation").put("id", INSTALLATION).put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==");
    }

    /** GitHub's {@code issue_comment.created} example (on an issue), pointed at our repository, issue and author. */
    ObjectNode issueComment(String body, String author, String authorType) {
        ObjectNode p = WebhookFixtures.payload("issue_comment.created");
        pointAtRepo(p);
        ObjectNode issue = (ObjectNode) p.get("issue");
        issue.put("number", ISSUE);
        issue.put("title", "Release prep");
        issue.put("body", BODY);
        ObjectNode comment = (ObjectNode) p.get("comment");
        comment.put("body", body);
        ((ObjectNode) comment.get("user")).put("login", author).put("type", authorType);
        ((ObjectNode) p.get("sender")).put("login", author).put("type", authorType);
        return p;
    }

    /**
     * A comment on pull request {@code number}. ADJUSTED: GitHub publishes no {@code issue_comment} example on a pull
     * request (see webhooks/SOURCE.md), so this is the issue example with {@code issue.pull_request} added, in the
     * shape {@code issues.milestoned.issue-is-pr.json} shows, and the issue's number and title set to the PR's.
     */
    ObjectNode pullRequestComment(int number, String body) {
        ObjectNode p = issueComment(body, USER, "User");
        ObjectNode issue = (ObjectNode) p.get("issue");
        issue.put("number", number);
        issue.put("title", "Add a discount rule");
        issue.set("pull_request", WebhookFixtures.payload("issues.milestoned.issue-is-pr").path("issue")
                .path("pull_request").deepCopy());
        return p;
    }

    HttpResponse<String> deliver(String event, ObjectNode payload) throws Exception {
        int n = deliveries.incrementAndGet();
        HttpResponse<String> r = WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), event,
                "delivery-" + n, WebhookFixtures.bytes(WebhookFixtures.fresh(payload, n)), SECRET);
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(server.awaitIdle(Duration.ofSeconds(90)), "the jobs finished");
        return r;
    }

    /** The trigger label put on issue 7, whose body is {@code body}. */
    HttpResponse<String> labelIssue(String body) throws Exception {
        return deliver("issues", WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin), ISSUE,
                "Release prep", body, "grove", INSTALLATION));
    }

    HttpResponse<String> comment(String body) throws Exception {
        return deliver("issue_comment", issueComment(body, USER, "User"));
    }

    // ---- looking -----------------------------------------------------------------------------------------------

    Set<String> groveBranchesOnOrigin() {
        return GitFixtures.refs(origin).keySet().stream().filter(r -> r.startsWith("refs/heads/grove/"))
                .map(r -> r.substring("refs/heads/".length())).collect(Collectors.toSet());
    }

    List<String> commentsOn(int number) {
        return github.requests("POST", "/repos/octo-org/shop/issues/" + number + "/comments").stream()
                .map(r -> r.body().path("body").asText()).toList();
    }

    String lastTrackingComment() {
        List<ReceivedRequest> edits = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/" + TRACKING_COMMENT);
        if (!edits.isEmpty()) return edits.get(edits.size() - 1).body().path("body").asText();
        List<String> posted = commentsOn(ISSUE);
        return posted.isEmpty() ? "" : posted.get(0);
    }

    Path worktree(String branch) {
        return dataDir.resolve("worktrees").resolve(REPO.owner()).resolve(REPO.name()).resolve(branch.replace('/', '_'));
    }

    Path cacheClone() {
        return dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
    }

    void assertCleanTraffic() {
        github.assertNoUnmatchedRequests();
        github.assertRequestBodiesMatchSchemas();
    }
}
