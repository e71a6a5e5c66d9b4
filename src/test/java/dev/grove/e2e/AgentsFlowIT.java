package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.app.AppConfig;
import dev.grove.app.GroveServer;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import dev.grove.testing.AnthropicStandIn;
import dev.grove.testing.ClaudeCli;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents defined in {@code GROVE_AGENTS_FILE}, run through a running {@code grove serve} from a signed
 * {@code issues.labeled} delivery: the real Claude Code CLI against a local Messages API stand-in, and scripted
 * command agents that try to break the sandbox.
 */
class AgentsFlowIT {
    static final String SECRET = "e2e-webhook-secret-agents";
    static final String TOKEN = "ghs_agentsInstallationToken0123456789";
    static final String API_KEY = "sk-ant-e2e-key-0123456789";
    static final RepoRef REPO = new RepoRef("octo-org", "shop");
    static final long INSTALLATION = 4242;
    static final int ISSUE = 7;
    static final long TRACKING_COMMENT = 9001;
    static final String BRANCH = "grove/7-write-the-notes";
    static final String BODY = """
            - [ ] Write the notes
              paths: NOTES.md
            """;

    @TempDir
    Path tmp;
    GitHubApiStub github;
    AnthropicStandIn anthropic;
    GroveServer server;
    Path origin;
    Path dataDir;
    Path keyFile;
    /** The one folder outside its worktree a scripted agent may write (GROVE_SANDBOX_BIND), for what it reports. */
    Path out;
    /** Makes this test's sleeping processes findable among the machine's: {@code sleep 300.<mark>}. */
    final String mark = String.valueOf(100000 + new java.util.Random().nextInt(899999));
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        github = new GitHubApiStub();
        anthropic = new AnthropicStandIn();
        origin = GitFixtures.createOrigin(tmp);
        dataDir = tmp.resolve("data");
        github.stubAccessToken(INSTALLATION, TOKEN, Instant.now().plus(Duration.ofHours(1)));
        github.stubRepository(REPO);
        github.stubPermission(REPO, "Codertocat", "write");
        github.stubEmptyIssueThreads(REPO); // the prompt carries the thread: none here
        github.stubCreateIssueComment(REPO, ISSUE, TRACKING_COMMENT);
        github.stubEditIssueComment(REPO, TRACKING_COMMENT);
        github.stubListPulls(REPO);
        github.stubReactions(REPO); // the trigger label is acknowledged
        github.stubFileNotFound(REPO, ".github/grove.yml"); // no repository config: the defaults
        github.stubCreateCheckRun(REPO, 7001);
        github.stubUpdateCheckRun(REPO, 7001);
        github.stubCreatePull(REPO, BRANCH, new PullRequestRef(101, "https://github.com/" + REPO + "/pull/101"));

        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        keyFile = Files.writeString(tmp.resolve("app.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        env.put("GROVE_PORT", "0");
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", keyFile.toString());
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_DATA_DIR", dataDir.toString());
        env.put("GROVE_AGENT_TIMEOUT", "60s");
        env.put("GROVE_COMMENT_INTERVAL", "0"); // no pacing: the tests read the comment's intermediate states
        env.put("ANTHROPIC_BASE_URL", anthropic.baseUrl());
        env.put("ANTHROPIC_API_KEY", API_KEY);
        out = Files.createDirectories(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        env.put("GROVE_SANDBOX_BIND", out.toString());
    }

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        github.close();
        anthropic.close();
    }

    void startServer(String agentsYaml) throws Exception {
        env.put("GROVE_AGENTS_FILE", Files.writeString(tmp.resolve("agents.yml"), agentsYaml).toString());
        server = GroveServer.start(AppConfig.fromEnv(env));
    }

    void label(String delivery) throws Exception {
        deliver(delivery);
        assertTrue(server.awaitIdle(Duration.ofSeconds(120)), "the run finished");
    }

    int deliveries;

    void deliver(String delivery) throws Exception {
        // each delivery is a new event (a new updated_at), not a replay of the same body under a new id
        byte[] body = WebhookFixtures.bytes(WebhookFixtures.fresh(WebhookFixtures.issuesLabeled(REPO.fullName(),
                GitFixtures.fileUrl(origin), ISSUE, "Release prep", BODY, "grove", INSTALLATION), ++deliveries));
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues", delivery,
                body, SECRET).statusCode());
    }

    List<String> trackingBodies() {
        return github.requests("PATCH", "/repos/octo-org/shop/issues/comments/9001").stream()
                .map(r -> r.body().path("body").asText()).toList();
    }

    String lastTracking() {
        List<String> bodies = trackingBodies();
        return bodies.get(bodies.size() - 1);
    }

    /** The issue's first task as the server's store has it, as JSON (the record's own field names). */
    JsonNode taskState() throws Exception {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        return json.valueToTree(server.store().tasks(REPO, ISSUE).get(0));
    }

    /** An agents file with one claude-code agent: the CLI at {@code cli}, the stand-in's key, and one more setting. */
    static String claudeAgent(Path cli, String setting) {
        return """
                agents:
                  claude:
                    kind: claude-code
                    command: %s
                    args: [--model, claude-sonnet-4-5]
                    env: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL]
                    %s
                """.formatted(cli, setting);
    }

    Path script(String name, String body) throws Exception {
        Path f = Files.writeString(tmp.resolve(name), "#!/bin/sh\n" + body);
        // the sandbox runs the agent as its own uid: the script must be readable and executable by others
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void claudeCodeFromTheAgentsFileCommitsOnTheTaskBranchAndReportsProgressAndSpend() throws Exception {
        Path cli = ClaudeCli.require();
        startServer("""
                default: claude
                agents:
                  claude:
                    kind: claude-code
                    command: %s
                    args: [--model, claude-sonnet-4-5]
                    env: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL]
                    timeout: 2m
                    max_turns: 10
                    max_budget_usd: 2
                  script:
                    kind: command
                    command: /bin/false
                """.formatted(cli));
        label("delivery-claude");

        assertEquals("written by claude through grove\n",
                GitFixtures.runGit(origin, "show", BRANCH + ":NOTES.md") + "\n");
        assertEquals("NOTES.md", GitFixtures.runGit(origin, "diff", "--name-only", "main", BRANCH));
        assertEquals(API_KEY, anthropic.messages().get(0).apiKey(), "the claude agent got its own key");

        List<ReceivedRequest> prs = github.requests("POST", "/repos/octo-org/shop/pulls");
        assertEquals(1, prs.size());
        String prBody = prs.get(0).body().path("body").asText();
        assertTrue(prBody.contains("I created NOTES.md as asked."), "the agent's summary in the PR: " + prBody);

        assertTrue(trackingBodies().stream().anyMatch(b -> b.contains("agent running: writing NOTES.md")),
                "the progress line reached the tracking comment while it ran: " + trackingBodies());
        String last = lastTracking();
        assertTrue(last.contains("PR opened") && last.contains("2 turns") && last.contains("**Agent spend:** $0.0"), last);

        JsonNode agentRun = taskState().path("agentRun");
        assertEquals("claude", agentRun.path("agent").asText());
        assertEquals(2, agentRun.path("turns").asInt());
        assertTrue(agentRun.path("costUsd").asDouble() > 0, agentRun.toString());
        assertFalse(agentRun.path("sessionId").asText().isEmpty(), agentRun.toString());
        assertTrue(Files.isDirectory(Path.of(agentRun.path("configDir").asText())), "the task's own CLAUDE_CONFIG_DIR");
        assertTrue(Files.readString(Path.of(agentRun.path("eventLog").asText())).contains("writing NOTES.md"));

        github.assertRequestBodiesMatchSchemas();
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aScriptedAgentThatReadsGrovesSecretsFindsNone() throws Exception {
        Path dump = out.resolve("agent-env.txt");
        Path agent = script("snoop.sh", "env > '" + dump + "'\ncat /proc/$PPID/environ 2>/dev/null | tr '\\\\0' '\\\\n' >> '"
                + dump + "'\necho found > NOTES.md\n");
        startServer("""
                default: snoop
                agents:
                  snoop:
                    kind: command
                    command: %s
                  claude:
                    kind: claude-code
                    env: [ANTHROPIC_API_KEY]
                """.formatted(agent));
        label("delivery-snoop");

        String seen = Files.readString(dump);
        assertTrue(seen.contains("GROVE_TASK_TITLE=Write the notes"), seen);
        for (String secret : List.of(SECRET, keyFile.toString(), TOKEN, API_KEY, "GROVE_WEBHOOK_SECRET",
                "GROVE_PRIVATE_KEY_FILE", "GROVE_APP_ID")) {
            assertFalse(seen.contains(secret), "the agent saw " + secret);
        }
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/pulls").size(), "the run went on normally");
    }

    @Test
    void anAgentThatSleepsPastItsTimeoutIsKilledWithItsChildren() throws Exception {
        // a child, a subshell's child, and a double-forked child in a session of its own
        Path agent = script("sleepy.sh", "sleep 300." + mark + " &\n(sleep 301." + mark + "; echo late > late.txt) &\n"
                + "( setsid sh -c 'sleep 302." + mark + "' & ) &\necho \"working on it\"\nsleep 303." + mark + "\n");
        startServer("""
                agents:
                  sleepy:
                    kind: command
                    command: %s
                    timeout: 2s
                """.formatted(agent));
        deliver("delivery-sleepy");
        List<String> children = List.of("sleep 300." + mark, "sleep 301." + mark, "sleep 302." + mark);
        assertTrue(awaitRunning(children), "the agent's children ran: " + children);
        assertTrue(server.awaitIdle(Duration.ofSeconds(120)), "the run finished");

        String last = lastTracking();
        assertTrue(last.contains("past its 2.0s timeout and was stopped"), last);
        for (String child : children) {
            assertFalse(running(child), "`" + child + "` outlived the timeout");
        }
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertFalse(GitFixtures.refs(origin).containsKey("refs/heads/" + BRANCH), "nothing pushed");
    }

    @Test
    void anAgentThatSwitchesBranchIsRefused() throws Exception {
        // in the sandbox the agent cannot switch (the clone is read-only to it; see the next test): this is Grove's own
        // check after every agent, which holds without the sandbox too
        env.put("GROVE_SANDBOX", "off");
        Path agent = script("switcher.sh", "git checkout -q -b sneaky && echo x > NOTES.md && git add NOTES.md\n");
        startServer("""
                agents:
                  switcher:
                    kind: command
                    command: %s
                """.formatted(agent));
        label("delivery-switch");

        String last = lastTracking();
        assertTrue(last.contains("moved the worktree off `" + BRANCH + "` (to `sneaky`)"), last);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertFalse(GitFixtures.refs(origin).keySet().stream().anyMatch(r -> r.contains("sneaky") || r.contains(BRANCH)),
                "nothing pushed: " + GitFixtures.refs(origin).keySet());
    }

    @Test
    void inTheSandboxAnAgentCannotSwitchBranchAndItsWorkLandsOnTheTaskBranch() throws Exception {
        Path agent = script("switcher.sh", "git checkout -q -b sneaky; echo \"checkout: $?\" > '" + out.resolve("switch")
                + "'\necho x > NOTES.md\ngit add NOTES.md\nexit 0\n");
        startServer("""
                agents:
                  switcher:
                    kind: command
                    command: %s
                """.formatted(agent));
        label("delivery-switch-sandboxed");

        assertFalse(Files.readString(out.resolve("switch")).contains("checkout: 0"), "the checkout failed in the sandbox");
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/pulls").size(), lastTracking());
        assertEquals("NOTES.md", GitFixtures.runGit(origin, "diff", "--name-only", "main", BRANCH));
        Path clone = dataDir.resolve("cache").resolve(REPO.owner()).resolve(REPO.name() + ".git");
        assertFalse(GitFixtures.runGit(clone, "for-each-ref", "--format=%(refname)").contains("sneaky"));
        assertFalse(GitFixtures.refs(origin).keySet().stream().anyMatch(r -> r.contains("sneaky")));
    }

    @Test
    void aRunningAgentIsCancelledWithItsProcessTree() throws Exception {
        Path agent = script("long.sh", "sleep 300." + mark + " &\necho started\nsleep 303." + mark + "\n");
        startServer("""
                agents:
                  long:
                    kind: command
                    command: %s
                """.formatted(agent));
        deliver("delivery-cancel");
        assertTrue(awaitRunning(List.of("sleep 300." + mark, "sleep 303." + mark)), "the agent and its child ran");
        for (int i = 0; i < 200 && server.runningAgents().cancelIssue(REPO, ISSUE, "cancelled by @octocat") == 0; i++) {
            Thread.sleep(100);
        }
        assertTrue(server.awaitIdle(Duration.ofSeconds(60)));

        String last = lastTracking();
        // the tracking comment mentions nobody: a task's message can carry agent-written text (SafeMarkdown)
        assertTrue(last.contains(dev.grove.report.SafeMarkdown.neutralize("cancelled (cancelled by @octocat)")), last);
        assertFalse(running("sleep 300." + mark), "the agent's child was killed");
        assertFalse(running("sleep 303." + mark), "the agent was killed");
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
    }

    @Test
    void theIssuesAgentTimeBudgetCapsTheTaskAndThenStopsTheNextRun() throws Exception {
        env.put("GROVE_ISSUE_AGENT_TIME", "1s");
        Path agent = script("slow.sh", "sleep 5; echo x > NOTES.md\n");
        startServer("""
                agents:
                  slow:
                    kind: command
                    command: %s
                """.formatted(agent));
        label("delivery-budget-1");
        assertTrue(lastTracking().contains("past its 1.0s timeout"),
                "the task may use only what is left of the issue's time: " + lastTracking());

        label("delivery-budget-2"); // the label added again
        String last = lastTracking();
        assertTrue(last.contains("not run: the issue's 1.0s of agent time is used up"), last);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
    }

    @Test
    void theIssuesDollarBudgetStopsClaudeAndThenTheNextRun() throws Exception {
        Path cli = ClaudeCli.require();
        env.put("GROVE_ISSUE_BUDGET_USD", "0.001"); // the stand-in's first answer costs more at Sonnet's price
        startServer(claudeAgent(cli, "max_budget_usd: 5"));
        label("delivery-usd-1");
        String first = lastTracking();
        assertTrue(first.contains("stopped at its cost ceiling of $0.0010"), first);
        assertTrue(first.contains("**Agent spend:** $0.0"), "the spend is shown: " + first);

        label("delivery-usd-2");
        String second = lastTracking();
        assertTrue(second.contains("not run: the issue's agent budget of $0.0010 is spent"), second);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertEquals(1, anthropic.messages().size(), "the second run called no model");
    }

    @Test
    void theRepositorysPerTaskBudgetCapsClaude() throws Exception {
        Path cli = ClaudeCli.require();
        github.stubFile(REPO, ".github/grove.yml", "budget: { per_task_usd: 0.001 }\n",
                "b0d9e7b0d9e7b0d9e7b0d9e7b0d9e7b0d9e7b0d9");
        startServer(claudeAgent(cli, "max_budget_usd: 5"));
        label("delivery-repo-budget");
        String tracking = lastTracking();
        assertTrue(tracking.contains("stopped at its cost ceiling of $0.0010"), "the repository's 0.001 beat the agent's 5: "
                + tracking);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
    }

    @Test
    void aReviseCommentOnTheClaudeTasksPullRequestResumesItsSession() throws Exception {
        Path cli = ClaudeCli.require();
        github.stubCreateIssueComment(REPO, 101, 9101);
        startServer(claudeAgent(cli, "max_turns: 10"));
        label("delivery-first");
        String firstHead = GitFixtures.originBranchSha(origin, BRANCH);
        String session = taskState().path("agentRun").path("sessionId").asText();
        assertFalse(session.isBlank(), "the task keeps its session id");
        int before = anthropic.messages().size();
        anthropic.writes("REVIEW.md", "after review\n").answers("Added REVIEW.md as asked.");

        // ADJUSTED payload: GitHub publishes no issue_comment on a pull request; this is the issue example with
        // issue.pull_request added in the shape issues.milestoned.issue-is-pr.json shows (see webhooks/SOURCE.md)
        ObjectNode p = WebhookFixtures.payload("issue_comment.created");
        ObjectNode repo = (ObjectNode) p.get("repository");
        repo.put("full_name", REPO.fullName()).put("name", REPO.name()).put("clone_url", GitFixtures.fileUrl(origin))
                .put("default_branch", "main");
        ((ObjectNode) repo.get("owner")).put("login", REPO.owner());
        p.putObject("installation").put("id", INSTALLATION);
        ObjectNode issue = (ObjectNode) p.get("issue");
        issue.put("number", 101).put("title", "Write the notes");
        issue.set("pull_request", WebhookFixtures.payload("issues.milestoned.issue-is-pr").path("issue")
                .path("pull_request").deepCopy());
        ((ObjectNode) p.get("comment")).put("body", "/grove revise Also add REVIEW.md");
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issue_comment",
                "delivery-revise", WebhookFixtures.bytes(p), SECRET).statusCode());
        assertTrue(server.awaitIdle(Duration.ofSeconds(120)));

        String told = AnthropicStandIn.allText(anthropic.messages().get(before).body());
        assertTrue(told.contains("Also add REVIEW.md") && told.contains("Write the notes"),
                "the resumed session still holds the first task: " + told);
        assertFalse(told.contains("The diff so far"), "a resumed session, not the fresh start with context: " + told);
        assertTrue(anthropic.messages().get(before).body().path("messages").size() > 1,
                "the conversation carries the first run's turns");
        assertEquals(firstHead, GitFixtures.runGit(origin, "rev-parse", BRANCH + "^"), "one more commit, fast-forward");
        assertEquals("REVIEW.md", GitFixtures.runGit(origin, "diff", "--name-only", firstHead, BRANCH));
        // the agent's progress showed in the in-progress check run on the PR while it worked
        assertTrue(github.requests("PATCH", "/repos/octo-org/shop/check-runs/7001").stream().anyMatch(r ->
                "in_progress".equals(r.body().path("status").asText())
                        && r.body().path("output").path("title").asText().startsWith("Revising: ")
                        && r.body().path("output").path("title").asText().contains("REVIEW.md")),
                github.requests("PATCH", "/repos/octo-org/shop/check-runs/7001").toString());
        github.assertNoUnmatchedRequests();
    }

    @Test
    void aBadAgentsFileStopsTheServerAtStartNamingTheLine() throws Exception {
        env.put("GROVE_AGENTS_FILE", Files.writeString(tmp.resolve("agents.yml"), """
                default: claude
                agents:
                  claude:
                    kind: claude-code
                    max_budget: 5
                """).toString());
        var e = assertThrows(IllegalArgumentException.class, () -> AppConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("agents.yml line 5: agent `claude`: unknown key `max_budget`"), e.getMessage());
    }

    /**
     * Whether a live process on this machine has {@code commandLine}. Processes in a sandbox have pids of their own
     * inside; this looks at them from outside, through the host's {@code /proc}.
     */
    static boolean running(String commandLine) throws Exception {
        for (int i = 0; i < 30; i++) {
            if (pidsOf(commandLine).isEmpty()) return false;
            Thread.sleep(100);
        }
        return true;
    }

    /** Waits (20 s at most) until each of {@code commandLines} has been seen running. */
    static boolean awaitRunning(List<String> commandLines) throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 400 && seen.size() < commandLines.size(); i++) {
            for (String c : commandLines) {
                if (!pidsOf(c).isEmpty()) seen.add(c);
            }
            Thread.sleep(50);
        }
        return seen.size() == commandLines.size();
    }

    /** Live (not zombie) processes whose command line is {@code commandLine}. */
    static List<Long> pidsOf(String commandLine) throws Exception {
        List<Long> pids = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ').trim();
                    if (!cmd.equals(commandLine)) continue;
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') pids.add(Long.parseLong(p.getFileName().toString()));
                } catch (java.io.IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return pids;
    }
}
