package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.GitFixtures;
import dev.grove.testing.GroveProcess;
import dev.grove.testing.TestDatabases;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@code grove serve} processes (the packaged jar) on one PostgreSQL behave as one Grove: issues labeled through
 * either process, each task's agent started once, each PR requested once: the issue's 20 issues × 3 tasks (84 s on
 * two cores with a load average of 22, other builds running).
 */
class TwoProcessesFlowIT extends GroveE2E {
    static final int ISSUES = 20;
    static final int FIRST = 20;
    GroveProcess second;

    @AfterEach
    void stopSecond() {
        if (second != null) second.close();
    }

    static List<String> branches(int issue) {
        return List.of("grove/" + issue + "-add-a-discount-rule", "grove/" + issue + "-make-search-ignore-case",
                "grove/" + issue + "-write-the-release-notes");
    }

    @Test
    void everyDeliveryIsHandledOnceAndEveryAgentStartsOnce() throws Exception {
        TestDatabases.requirePostgres();
        String url = TestDatabases.postgresUrlWithSchema(TestDatabases.freshSchema());
        int pr = 500;
        for (int issue = FIRST; issue < FIRST + ISSUES; issue++) {
            github.stubCreateIssueComment(REPO, issue, 9000 + issue);
            github.stubEditIssueComment(REPO, 9000 + issue);
            for (String b : branches(issue)) {
                github.stubCreatePull(REPO, b, pr(pr));
                github.stubCreateIssueComment(REPO, pr, 20000 + pr);
                pr++;
            }
        }
        // agents run in the sandbox: they note their starts in a folder every sandbox is shown (GROVE_SANDBOX_BIND)
        Path marks = Files.createDirectories(tmp.resolve("marks"));
        Files.setPosixFilePermissions(marks, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        // one file per start: each sandbox runs as its own uid, so they cannot append to one shared file
        String agent = "mktemp '" + marks + "'/\"$GROVE_ISSUE_NUMBER-$GROVE_TASK_NUMBER\".XXXXXX >/dev/null; "
                + exampleAgent(0.5);
        Map<String, String> shared = Map.of("GROVE_DATABASE_URL", url, "GROVE_HEARTBEAT", "2s",
                "GROVE_SANDBOX_BIND", marks.toString());
        startServer(agent, shared);
        Map<String, String> env = new HashMap<>(shared);
        env.put("GROVE_PORT", "0");
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_COMMENT_INTERVAL", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", APP_ID);
        env.put("GROVE_PRIVATE_KEY_FILE", tmp.resolve("app.pem").toString());
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_DATA_DIR", tmp.resolve("data-2").toString());
        env.put("GROVE_MAX_PARALLEL", "3");
        env.put("GROVE_AGENT_TIMEOUT", "60s");
        env.put("GROVE_AGENT_COMMAND", agent);
        second = GroveProcess.serve(env, tmp.resolve("logs-2"));

        List<GroveProcess> both = List.of(server, second);
        for (int issue = FIRST; issue < FIRST + ISSUES; issue++) {
            byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(),
                    GitFixtures.fileUrl(origin), issue, "Release prep " + issue, BODY, "grove", INSTALLATION));
            GroveProcess to = both.get(issue % 2);
            assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + to.port()), "issues",
                    "d-" + issue, body, SECRET).statusCode());
            // GitHub's Redeliver reaching the other process is recognised there
            GroveProcess other = both.get((issue + 1) % 2);
            assertEquals(200, WebhookFixtures.deliver(URI.create("http://localhost:" + other.port()), "issues",
                    "d-" + issue, body, SECRET).statusCode());
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (github.requests("POST", "/repos/octo-org/shop/pulls").size() < 3 * ISSUES
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(server.awaitIdle(Duration.ofSeconds(120)), "idle");

        List<String> started;
        try (var files = Files.list(marks)) {
            started = files.map(f -> f.getFileName().toString().replaceFirst("\\.[^.]*$", "").replace('-', '/'))
                    .toList();
        }
        Map<String, Long> perTask = started.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new,
                Collectors.counting()));
        assertEquals(3 * ISSUES, perTask.size(), "every task's agent started: " + perTask);
        assertTrue(perTask.values().stream().allMatch(n -> n == 1), "and each once: " + perTask);
        List<String> heads = new ArrayList<>(github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .map(r -> r.body().path("head").asText()).sorted().toList());
        List<String> expected = new ArrayList<>();
        for (int issue = FIRST; issue < FIRST + ISSUES; issue++) expected.addAll(branches(issue));
        expected.sort(null);
        assertEquals(expected, heads, "every PR requested once");
        boolean firstRan = Files.exists(dataDir.resolve("worktrees"));
        boolean secondRan = Files.exists(tmp.resolve("data-2").resolve("worktrees"));
        assertTrue(firstRan && secondRan, "both processes ran tasks (first: " + firstRan + ", second: " + secondRan + ")");
    }
}
