package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A hostile agent against the packaged jar, with real secrets in Grove's environment (the webhook secret, a real App
 * key file, an Anthropic key) and Grove's HOME its own folder. The agent (src/test/resources/e2e/hostile-agent.sh)
 * tries to read Grove's environment and key, make its log a link to the key, redirect pushes through
 * {@code ~/.gitconfig}, replace its worktree's {@code .git}, plant hooks, a remote URL and a filter in the shared clone,
 * write outside its worktree and read the other task's; then prints all it found, which Grove posts.
 *
 * <p>{@link #noAttackReachesGitOrWhatGrovePosts} holds today. {@link #theSandboxStopsEveryAttemptAtTheSource} needs
 * the process sandbox (issue #11, helper/sandbox): until it is merged the agent can still read what it finds; only
 * what Grove does with it is safe.
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

    /** Runs the issue with the hostile agent; returns the App key's text. */
    private String runHostileIssue() throws Exception {
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
                .replace("@PAYLOAD@", payload.toString()));
        Map<String, String> env = new HashMap<>();
        env.put("ANTHROPIC_API_KEY", anthropicKey);
        env.put("HOME", home.toString());
        // JGit finds ~/.gitconfig through user.home, git through HOME: both point at the folder the agent writes
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        startServer("sh '" + agent + "'", env);
        labelIssue(ISSUE_BODY);
        return Files.readString(key);
    }

    @Test
    void noAttackReachesGitOrWhatGrovePosts() throws Exception {
        String key = runHostileIssue();

        // the agent did get its hands on things (before the sandbox); what matters is what came of it
        assertTrue(Files.readString(home.resolve(".gitconfig")).contains("insteadOf"), "the agent wrote ~/.gitconfig");

        // nothing Grove ran ran anything of the agent's
        assertFalse(Files.exists(marks.resolve("hooks")), "a planted hook ran");
        assertFalse(Files.exists(marks.resolve("payload")), "the agent's fsmonitor or filter ran");

        // task 1 landed on the real origin, nothing anywhere else
        assertEquals(Map.of(), GitFixtures.refs(evil), "a push went where the agent chose");
        assertTrue(groveBranchesOnOrigin().contains(TASK1), groveBranchesOnOrigin().toString());
        assertEquals("docs/notes.md\nattack-report.txt",
                String.join("\n", GitFixtures.runGit(origin, "diff", "--name-only", "main", TASK1).lines()
                        .sorted((a, b) -> a.startsWith("docs") ? -1 : 1).toList()));
        // task 2 tampered with the clone: Grove refused to run git on it, so it pushed nothing
        assertFalse(groveBranchesOnOrigin().contains(TASK2));
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("changed by someone other than Grove"), tracking);

        // no secret in anything Grove sent to GitHub
        List<String> secrets = secrets(key);
        List<ReceivedRequest> requests = github.all();
        assertFalse(requests.isEmpty());
        boolean redacted = false;
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
                redacted |= text.contains("[redacted]");
            }
        }
        List<ReceivedRequest> prs = github.requests("POST", "/repos/octo-org/shop/pulls");
        assertEquals(1, prs.size());
        String prBody = prs.get(0).body().path("body").asText();
        assertTrue(prBody.contains("APIKEY: [redacted]"), "the agent's last lines, redacted: " + prBody);
        assertTrue(redacted, "what the agent echoed was redacted");

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
    @Disabled("needs the process sandbox (issue #11, helper/sandbox): the agent still reads /proc, the key, other "
            + "worktrees and writes outside its worktree")
    void theSandboxStopsEveryAttemptAtTheSource() throws Exception {
        String key = runHostileIssue();
        String report1 = GitFixtures.runGit(origin, "show", TASK1 + ":attack-report.txt");
        Path worktree2 = worktree(TASK2);
        String report2 = Files.readString(worktree2.resolve("attack-report.txt"));
        for (String report : List.of(report1, report2)) {
            assertTrue(report.contains("ENVIRON: FAILED"), report);
            assertTrue(report.contains("KEY: FAILED"), report);
            assertTrue(report.contains("OUTSIDE: FAILED"), report);
            assertTrue(report.contains("OTHERS: FAILED"), report);
            assertTrue(report.contains("LOGLINK: FAILED"), report);
        }
        assertTrue(report1.contains("GITCONFIG: FAILED"), "the agent has a HOME of its own: " + report1);
        assertTrue(report2.contains("HOOKS: FAILED") && report2.contains("REMOTE: FAILED"),
                "the clone is read-only to the agent: " + report2);
        try (var files = Files.list(outside)) {
            assertEquals(0, files.count(), "the agent wrote outside its worktree");
        }
        assertFalse(Files.exists(home.resolve(".gitconfig")), "the agent wrote Grove's HOME");
        for (String secret : secrets(key)) {
            assertFalse(report1.contains(secret), "a secret reached origin: " + secret);
        }
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
