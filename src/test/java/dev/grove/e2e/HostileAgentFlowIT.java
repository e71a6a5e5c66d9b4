package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile agent against the packaged jar, with real secrets in Grove's environment (the webhook secret, a real App
 * key file, an Anthropic key) and Grove's HOME its own folder. The agent (src/test/resources/e2e/hostile-agent.sh)
 * tries to read Grove's environment and key, make its log a link to the key, redirect pushes through
 * {@code ~/.gitconfig}, replace its worktree's {@code .git}, plant hooks, a remote URL and a filter in the shared clone,
 * write outside its worktree and read the other task's, reach a host not on its allow list and leave a double-forked
 * child behind; then prints all it found, which Grove posts.
 *
 * <p>{@link #theSandboxStopsEveryAttemptAtTheSource}: in the sandbox (the default) every attempt fails where it is
 * made. {@link #noAttackReachesGitOrWhatGrovePosts}: with {@code GROVE_SANDBOX=off} the agent gets its hands on
 * things, and Grove's git isolation and redaction alone still keep them out of git and of what Grove posts.
 */
class HostileAgentFlowIT extends GroveE2E {

    static final String ISSUE_BODY = """
            Two tasks, the second after the first:

            - [ ] Write the notes
              paths: docs/notes.md
            - [ ] Write more notes
              paths: docs/**
            """;
    static final String TASK1 = "grove/7-write-the-notes";
    static final String TASK2 = "grove/7-write-more-notes";
    static final Path HOSTILE_AGENT = Path.of("src/test/resources/e2e/hostile-agent.sh").toAbsolutePath();

    private final String anthropicKey = "sk-ant-api03-" + UUID.randomUUID().toString().replace("-", "") + "AA";
    private Path evil;
    private Path marks;
    private Path outside;
    private Path home;
    /** The sleep the agent leaves behind, findable among the machine's processes. */
    private final String survivor = "30." + (100000 + new java.util.Random().nextInt(899999));
    private HttpServer unlisted;
    private final AtomicInteger unlistedHits = new AtomicInteger();

    @AfterEach
    void stopUnlistedHost() throws Exception {
        if (unlisted != null) unlisted.stop(0);
        for (long pid : AgentsFlowIT.pidsOf("sleep " + survivor)) { // left behind without the sandbox
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Runs the issue with the hostile agent, sandboxed or not; returns the App key's text. */
    private String runHostileIssue(boolean sandboxed) throws Exception {
        // a host on no allow list: it answers anyone who reaches it
        unlisted = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        unlisted.createContext("/", exchange -> {
            unlistedHits.incrementAndGet();
            byte[] body = "reached the unlisted host".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        unlisted.start();
        evil = tmp.resolve("evil.git");
        GitFixtures.runGit(tmp, "init", "--quiet", "--bare", evil.toString());
        marks = Files.createDirectories(tmp.resolve("marks"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        home = Files.createDirectories(tmp.resolve("home"));
        Path payload = tmp.resolve("payload.sh");
        Files.writeString(payload, "#!/bin/sh\necho \"$0 $*\" >> '" + marks.resolve("payload") + "'\ncat\n");
        Files.setPosixFilePermissions(payload, PosixFilePermissions.fromString("rwx------"));
        Path decoy = tmp.resolve("decoy");
        GitFixtures.runGit(tmp, "init", "--quiet", decoy.toString());
        GitFixtures.runGit(decoy, "config", "core.fsmonitor", payload.toString());
        GitFixtures.installHook(decoy.resolve(".git"), "pre-commit", "'" + payload + "'");

        github.stubCreatePull(REPO, TASK1, pr(201));
        github.stubCreatePull(REPO, TASK2, pr(202));
        github.stubCreateIssueComment(REPO, 201, 9201);
        github.stubCreateIssueComment(REPO, 202, 9202);

        Path agent = tmp.resolve("hostile-agent.sh");
        Path key = tmp.resolve("app.pem"); // written by startServer
        Files.writeString(agent, Files.readString(HOSTILE_AGENT)
                .replace("@KEY@", key.toString())
                .replace("@OUTSIDE@", outside.toString())
                .replace("@EVIL_URL@", GitFixtures.fileUrl(evil))
                .replace("@ORIGIN_URL@", GitFixtures.fileUrl(origin))
                .replace("@DECOY@", decoy.toString())
                .replace("@MARKS@", marks.toString())
                .replace("@PAYLOAD@", payload.toString())
                .replace("@UNLISTED_URL@", "http://127.0.0.1:" + unlisted.getAddress().getPort() + "/")
                .replace("@SURVIVOR@", survivor));
        // the sandbox runs the agent as its own uid (mode 644 is enough for `sh file`)
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> env = new HashMap<>();
        env.put("ANTHROPIC_API_KEY", anthropicKey);
        env.put("HOME", home.toString());
        // JGit finds ~/.gitconfig through user.home, git through HOME: both point at the folder the agent writes
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        if (!sandboxed) env.put("GROVE_SANDBOX", "off");
        startServer("sh '" + agent + "'", env);
        labelIssue(ISSUE_BODY);
        return Files.readString(key);
    }

    @Test
    void noAttackReachesGitOrWhatGrovePosts() throws Exception {
        String key = runHostileIssue(false);

        // the agent did get its hands on things (before the sandbox); what matters is what came of it
        assertTrue(Files.readString(home.resolve(".gitconfig")).contains("insteadOf"), "the agent wrote ~/.gitconfig");

        // nothing Grove ran ran anything of the agent's
        assertFalse(Files.exists(marks.resolve("hooks")), "a planted hook ran");
        assertFalse(Files.exists(marks.resolve("payload")), "the agent's fsmonitor or filter ran");

        // nothing went where the agent chose; task 1's report holds what it stole (the App key, Grove's environment),
        // so the push scan refused it: nothing of it reached origin either
        assertEquals(Map.of(), GitFixtures.refs(evil), "a push went where the agent chose");
        assertFalse(groveBranchesOnOrigin().contains(TASK1), groveBranchesOnOrigin().toString());
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("refusing to push `" + TASK1 + "`: `attack-report.txt` adds a line holding"),
                tracking);
        // task 2 tampered with the clone: Grove refused to run git on it, so it pushed nothing
        assertFalse(groveBranchesOnOrigin().contains(TASK2));
        assertTrue(tracking.contains("changed by someone other than Grove"), tracking);

        // no secret in anything Grove sent to GitHub
        List<String> secrets = secrets(key);
        List<ReceivedRequest> requests = github.all();
        assertFalse(requests.isEmpty());
        for (ReceivedRequest r : requests) {
            List<String> texts = new ArrayList<>(List.of(r.url()));
            if (r.body() != null) {
                texts.add(r.body().toString());
                collectTexts(r.body(), texts);
            }
            for (String text : texts) {
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), r.method() + " " + r.url() + " carries a secret: " + text);
                }
            }
        }
        assertEquals(List.of(), github.requests("POST", "/repos/octo-org/shop/pulls"), "no pull request: nothing pushed");

        // the dashboard (admin port) shows nothing of the key through the agent's link
        String dashboard = server.getAdmin("/").body();
        for (String secret : secrets) {
            assertFalse(dashboard.contains(secret), "the dashboard shows a secret: " + secret);
        }
        Path log1 = dataDir.resolve("tasks/octo-org/shop/7/1/agent.log");
        if (Files.isSymbolicLink(log1)) {
            assertTrue(dashboard.contains("log not shown"), dashboard);
        }
        // files at rest are Grove's alone
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
        github.assertNoUnmatchedRequests();
    }

    @Test
    void theSandboxStopsEveryAttemptAtTheSource() throws Exception {
        String key = runHostileIssue(true);
        String report1 = GitFixtures.runGit(origin, "show", TASK1 + ":attack-report.txt");
        Path worktree2 = worktree(TASK2);
        String report2 = Files.readString(worktree2.resolve("attack-report.txt"));
        for (String report : List.of(report1, report2)) {
            assertTrue(report.contains("ENVIRON: FAILED"), report);
            assertTrue(report.contains("KEY: FAILED"), report);
            assertTrue(report.contains("OUTSIDE: FAILED"), report);
            assertTrue(report.contains("OTHERS: FAILED"), report);
            assertTrue(report.contains("LOGLINK: FAILED"), report);
            assertTrue(report.contains("NETWORK: FAILED"), "the unlisted host was reached: " + report);
            assertTrue(report.contains("SURVIVE: started"), "the double fork was tried: " + report);
        }
        assertEquals(0, unlistedHits.get(), "a request reached the unlisted host");
        assertFalse(AgentsFlowIT.running("sleep " + survivor), "the agent's double-forked child outlived its run");
        assertTrue(report1.contains("GITCONFIG: FAILED"), "the agent has a HOME of its own: " + report1);
        assertTrue(report2.contains("HOOKS: FAILED") && report2.contains("REMOTE: FAILED"),
                "the clone is read-only to the agent: " + report2);
        try (var files = Files.list(outside)) {
            assertEquals(0, files.count(), "the agent wrote outside its worktree");
        }
        assertFalse(Files.exists(home.resolve(".gitconfig")), "the agent wrote Grove's HOME");
        // nothing secret reached origin (a file holding the agent's own key would not be pushed: SecretInPushFlowIT);
        // what the agent printed of its own key reached GitHub redacted
        for (String secret : secrets(key)) {
            assertFalse(GitFixtures.runGit(origin, "log", "-p", "main.." + TASK1).contains(secret),
                    "a secret reached origin: " + secret);
        }
        String prBody = github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .filter(r -> r.body().path("head").asText().equals(TASK1)).findFirst().orElseThrow()
                .body().path("body").asText();
        assertTrue(prBody.contains("APIKEY: [redacted]"), "the agent's last lines, redacted: " + prBody);
        assertFalse(prBody.contains(anthropicKey), prBody);
        // with the clone untouched, task 2 is published too
        assertTrue(groveBranchesOnOrigin().contains(TASK2));
    }

    /** The webhook secret, the Anthropic key, the installation token, and each line of the App key. */
    private List<String> secrets(String key) {
        List<String> secrets = new ArrayList<>(List.of(SECRET, anthropicKey, TOKEN, "PRIVATE KEY-----"));
        key.lines().filter(l -> !l.startsWith("-----") && l.length() >= 16).forEach(secrets::add);
        return secrets;
    }

    private static void collectTexts(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.forEach(child -> collectTexts(child, out));
    }
}
