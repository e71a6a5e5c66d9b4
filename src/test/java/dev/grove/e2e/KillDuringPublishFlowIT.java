package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.TestDatabases;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code kill -9} landing exactly in a push, or exactly in a pull request's creation, then a restart: each task
 * still ends with one branch on origin, one commit on it, one pull request and one tracking comment. Through the
 * packaged jar, on the embedded database and on PostgreSQL. The kill lands deterministically: origin's
 * {@code pre-receive} hook holds every push until the test says; WireMock holds every {@code POST /pulls} far longer
 * than the test waits.
 */
class KillDuringPublishFlowIT extends GroveE2E {
    static final String LOST = "grove/7-add-a-discount-rule";
    static final List<String> TITLES = List.of("Add a discount rule", "Make search ignore case", "Write the release notes");

    /** Each task's check run gets an id of its own (7101…), and the check runs made are listed as GitHub would. */
    void stubCheckRuns() {
        for (int i = 0; i < TITLES.size(); i++) {
            github.stubCreateCheckRunNamed(REPO, "grove / " + TITLES.get(i), 7101 + i);
        }
        github.stubCheckRunsLookup(REPO);
    }

    /**
     * Each task's pushed head has one check run (none made twice, none left out by the restart), completed exactly
     * once; and every body Grove sent is one GitHub's schema accepts.
     */
    void assertEachCheckRunCompletedOnce() {
        for (int i = 0; i < BRANCHES.size(); i++) {
            String name = "grove / " + TITLES.get(i);
            String head = GitFixtures.runGit(origin, "rev-parse", BRANCHES.get(i)).trim();
            var made = github.requests("POST", "/repos/octo-org/shop/check-runs").stream()
                    .filter(r -> r.body().path("name").asText().equals(name)).toList();
            assertEquals(1, made.size(), name + ": one check run\n" + made);
            assertEquals(head, made.get(0).body().path("head_sha").asText(), name + ": on the pushed head");
            long completed = github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + (7101 + i)).stream()
                    .filter(r -> r.body().path("status").asText().equals("completed")).count();
            assertEquals(1, completed, name + ": completed once\n" + server.output());
        }
        github.assertRequestBodiesMatchSchemas();
    }

    static final String VERIFY_CONFIG = """
            verify: "echo checking; test -f src/cart/CHANGES.md"
            draft_on_failure: true
            """;

    /**
     * The check runs the restarted process completed say what verify said before the kill (success for the discount
     * rule, failure for the others), and the pull request it asked for again is not a draft and carries the result.
     */
    void assertVerifyReportedAfterTheRestart() {
        for (int i = 0; i < BRANCHES.size(); i++) {
            boolean cart = BRANCHES.get(i).equals(LOST);
            var completed = github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + (7101 + i)).stream()
                    .map(r -> r.body()).filter(b -> b.path("status").asText().equals("completed")).toList();
            assertEquals(cart ? "success" : "failure", completed.get(0).path("conclusion").asText(),
                    BRANCHES.get(i) + ": " + completed.get(0));
            String summary = completed.get(0).path("output").path("summary").asText();
            assertTrue(summary.contains("Verify ran on this head before the push")
                    && summary.contains(cart ? "passed" : "failed"), summary);
        }
        var asked = github.requests("POST", "/repos/octo-org/shop/pulls").stream().map(r -> r.body())
                .filter(b -> b.path("head").asText().equals(LOST)).toList();
        String again = asked.get(asked.size() - 1).path("body").asText();
        assertTrue(!asked.get(asked.size() - 1).path("draft").asBoolean() && again.contains("### Verify")
                && again.contains("passed"), asked.get(asked.size() - 1).toString());
    }

    /** The settings both processes get: fast beats (a dead process's job is revived in seconds), and the database. */
    Map<String, String> env(String database) {
        Map<String, String> env = new HashMap<>(DurabilityFlowIT.QUICK);
        if (database.equals("postgres")) {
            env.put("GROVE_DATABASE_URL", TestDatabases.postgresUrlWithSchema(TestDatabases.freshSchema()));
        }
        return env;
    }

    void label() throws Exception {
        byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin),
                ISSUE, "Release prep", BODY, "grove", INSTALLATION));
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues", "d-kill",
                body, SECRET).statusCode());
    }

    void await(String what, Duration timeout, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "\n"
                    + server.output());
            Thread.sleep(50);
        }
    }

    long count(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Each task once: its branch alone on origin, one commit on it, its PR asked for {@code posts} times, one tracking comment. */
    void assertEachTaskOnce(Map<String, Integer> posts) {
        TreeSet<String> onOrigin = GitFixtures.refs(origin).keySet().stream()
                .filter(r -> r.startsWith("refs/heads/grove/")).map(r -> r.substring("refs/heads/".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(BRANCHES), onOrigin, () -> "one branch per task, no -2\n" + server.output());
        for (String b : BRANCHES) {
            assertEquals("1", GitFixtures.runGit(origin, "rev-list", "--count", "main.." + b).trim(), b + ": one commit");
        }
        Map<String, Integer> asked = new java.util.TreeMap<>();
        github.requests("POST", "/repos/octo-org/shop/pulls").forEach(r -> asked.merge(r.body().path("head").asText(),
                1, Integer::sum));
        assertEquals(new java.util.TreeMap<>(posts), asked, "the PR requests per head");
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/issues/7/comments").size(),
                "one tracking comment");
        String tracking = lastTrackingComment();
        for (int i = 0; i < BRANCHES.size(); i++) {
            assertTrue(tracking.contains("| #" + (101 + i) + " |"), "the tracking comment links PR #" + (101 + i) + ":\n"
                    + tracking);
        }
    }

    /**
     * Every push waits in origin's {@code pre-receive} hook until {@code release} exists; then the discount rule's push
     * is refused (it died with the process that made it) and the other two land (their {@code receive-pack} outlived
     * the process). Pushes after the release pass at once.
     */
    Path holdPushes() throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve("push-ctl"));
        Path hook = origin.resolve("hooks/pre-receive");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, """
                #!/bin/sh
                ctl='%s'
                [ -f "$ctl/release" ] && exit 0
                read old new ref
                touch "$ctl/inflight.$$"
                while [ ! -f "$ctl/release" ]; do sleep 0.05; done
                touch "$ctl/done.$$"
                case "$ref" in refs/heads/%s) exit 1 ;; esac
                exit 0
                """.formatted(ctl, LOST));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        return ctl;
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aKillDuringThePushesThenARestartFinishesEachTaskOnce(String database) throws Exception {
        Map<String, String> env = env(database);
        Path ctl = holdPushes();
        stubCheckRuns();
        startServer(exampleAgent(0.2), env);
        label();
        await("the three pushes in flight", Duration.ofSeconds(120), () -> count(ctl, "inflight.") == 3);
        server.kill();
        Files.writeString(ctl.resolve("release"), "go");
        // the orphaned receive-packs finish: two land, one is refused
        await("the orphaned pushes", Duration.ofSeconds(30), () -> count(ctl, "done.") == 3
                && GitFixtures.refs(origin).keySet().stream().filter(r -> r.startsWith("refs/heads/grove/")).count() == 2);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty(), "no PR before the restart");

        startServer(exampleAgent(0.2), env);
        await("the three PRs", Duration.ofSeconds(120),
                () -> github.requests("POST", "/repos/octo-org/shop/pulls").size() >= 3);
        assertTrue(server.awaitIdle(Duration.ofSeconds(90)), server.output());
        assertEachTaskOnce(Map.of(BRANCHES.get(0), 1, BRANCHES.get(1), 1, BRANCHES.get(2), 1));
        assertTrue(github.requests("POST", "/repos/octo-org/shop/check-runs").size() == 3, "one check run per head");
        assertEachCheckRunCompletedOnce();
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void aKillDuringThePullRequestCreationsThenARestartOpensNoSecondPullRequest(String database) throws Exception {
        Map<String, String> env = env(database);
        stubCheckRuns();
        // verify passes for the discount rule only (its agent writes src/cart/CHANGES.md): what it said of each pushed
        // head must outlive the kill, so the restarted process reports it, not a neutral "resumed"
        github.stubFile(REPO, ".github/grove.yml", VERIFY_CONFIG, "3d21ec53a331a6f037a91c368710b99387d012c1");
        for (int i = 0; i < BRANCHES.size(); i++) {
            github.stubCreatePull(REPO, BRANCHES.get(i), pr(101 + i), Duration.ofMinutes(10)); // GitHub holds the request: the kill lands in it
        }
        startServer(exampleAgent(0.2), env);
        label();
        await("the three PR requests", Duration.ofSeconds(120),
                () -> github.requests("POST", "/repos/octo-org/shop/pulls").size() == 3);
        server.kill();
        // GitHub acted on two of the requests (their PRs exist, its answers were lost with the process); the discount
        // rule's request never took effect. A restart must find the two and ask for the third again, once.
        for (int i = 0; i < BRANCHES.size(); i++) {
            ArrayNode found = JsonNodeFactory.instance.arrayNode();
            if (!BRANCHES.get(i).equals(LOST)) found.add(github.pull(REPO, pr(101 + i), "open"));
            github.stubJson("GET", "/repos/octo-org/shop/pulls", Map.of("head", "octo-org:" + BRANCHES.get(i)), 200,
                    found);
            github.stubCreatePull(REPO, BRANCHES.get(i), pr(101 + i));
        }

        startServer(exampleAgent(0.2), env);
        await("the third PR request", Duration.ofSeconds(120),
                () -> github.requests("POST", "/repos/octo-org/shop/pulls").size() >= 4);
        assertTrue(server.awaitIdle(Duration.ofSeconds(90)), server.output());
        assertEachTaskOnce(Map.of(BRANCHES.get(0), 2, BRANCHES.get(1), 1, BRANCHES.get(2), 1));
        for (String b : BRANCHES) {
            assertTrue(github.requests("GET", "/repos/octo-org/shop/pulls\\?.*head=octo-org(%3A|:)"
                    + b.replace("/", "(%2F|/)") + ".*").size() >= 2, b + ": looked up before each request");
        }
        assertEachCheckRunCompletedOnce();
        assertVerifyReportedAfterTheRestart();
    }
}
