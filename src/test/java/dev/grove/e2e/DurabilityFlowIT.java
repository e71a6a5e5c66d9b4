package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.GitFixtures;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost, nothing twice, through the packaged jar on its embedded database: a {@code kill -9} in the middle
 * of the agents, then a restart; SIGTERM while agents run; GitHub's Redeliver of a delivery whose job failed.
 */
class DurabilityFlowIT extends GroveE2E {
    /** Fast beats, so a killed process's jobs are revived within seconds. */
    static final Map<String, String> QUICK = Map.of("GROVE_HEARTBEAT", "1s", "GROVE_JOB_ATTEMPTS", "2",
            "GROVE_JOB_BACKOFF", "1s", "GROVE_GITHUB_RETRIES", "1", "GROVE_GITHUB_BACKOFF", "100ms");

    byte[] labeledBody() {
        return WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin), ISSUE,
                "Release prep", BODY, "grove", INSTALLATION));
    }

    int deliver(String deliveryId, byte[] body) throws Exception {
        return WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues", deliveryId, body,
                SECRET).statusCode();
    }

    /** Waits until every task's agent has started (its log exists). */
    void awaitAgentsStarted() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long started = BRANCHES.stream().map(b -> b.substring("grove/7-".length()))
                    .filter(slug -> Files.exists(dataDir.resolve("tasks/octo-org/shop/7/" + slug + "/agent.log"))).count();
            if (started == BRANCHES.size()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("the agents did not start:\n" + server.output());
    }

    Set<String> groveBranchesOnOrigin() {
        return GitFixtures.refs(origin).keySet().stream().filter(r -> r.startsWith("refs/heads/grove/"))
                .map(r -> r.substring("refs/heads/".length())).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each task: one branch on origin, holding one commit on top of main; one PR asked for; one tracking comment. */
    void assertEachTaskOnce() {
        assertEquals(new TreeSet<>(BRANCHES), groveBranchesOnOrigin(), () -> "one branch per task, no -2\n"
                + server.output());
        for (String b : BRANCHES) {
            assertEquals("1", GitFixtures.runGit(origin, "rev-list", "--count", "main.." + b).trim(), b + ": one commit");
        }
        assertEquals(BRANCHES, github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .map(r -> r.body().path("head").asText()).sorted().toList(), "one PR requested per task");
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/issues/7/comments").size(),
                "one tracking comment");
    }

    @Test
    void aKillDashNineInTheMiddleOfTheAgentsThenARestartFinishesEachTaskOnce() throws Exception {
        startServer(exampleAgent(2), QUICK);
        assertEquals(202, deliver("d-kill", labeledBody()));
        awaitAgentsStarted();
        server.kill();
        Thread.sleep(2500); // the orphaned agents end on their own; their worktrees are rebuilt on restart

        Map<String, String> env = new HashMap<>(QUICK);
        startServer(exampleAgent(0.2), env);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (github.requests("POST", "/repos/octo-org/shop/pulls").size() < BRANCHES.size()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(server.awaitIdle(Duration.ofSeconds(60)), server.output());
        assertEachTaskOnce();
        Path clone = dataDir.resolve("cache/octo-org/shop.git");
        List<String> worktrees = GitFixtures.runGit(clone, "worktree", "list").lines()
                .filter(l -> !l.contains("(bare)")).toList();
        assertEquals(BRANCHES.size(), worktrees.size(), "one worktree per task, none leaked: " + worktrees);
    }

    @Test
    void sigtermLetsRunningAgentsFinishThenExits() throws Exception {
        startServer(exampleAgent(2), QUICK);
        assertEquals(202, deliver("d-term", labeledBody()));
        awaitAgentsStarted();
        int exit = server.terminate(Duration.ofSeconds(60));
        assertNotEquals(-1, exit, "it exited");
        // the agents finished, and their work was pushed and opened as PRs by the process, before it exited: without
        // the drain, the process would have ended with the agents still running and nothing pushed
        assertEachTaskOnce();
        // and the drain recorded it: the next start finds the job done, nothing to resume or run again (H2 closed
        // itself at the JVM's exit, under the drain, until DB_CLOSE_ON_EXIT=FALSE: the job's end was never recorded)
        startServer(exampleAgent(0.2), QUICK);
        assertEquals(0, server.pendingJobs(), "the drained job is recorded as done\n" + server.output());
        assertTrue(server.awaitIdle(Duration.ofSeconds(30)), server.output());
        assertFalse(server.output().contains("running label"), "the job ran once\n" + server.output());
        assertEachTaskOnce();
    }

    @Test
    void aRedeliverAfterAFailedJobDoesTheWork() throws Exception {
        github.stubAccessTokenError(INSTALLATION, 500, "GitHub is having a bad day");
        startServer(exampleAgent(0.2), QUICK);
        byte[] body = labeledBody();
        assertEquals(202, deliver("d-fail", body));
        assertTrue(server.awaitIdle(Duration.ofSeconds(60)), server.output());
        assertTrue(server.output().contains("giving up after 2 attempts"), server.output());
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());

        github.stubAccessToken(INSTALLATION, TOKEN, java.time.Instant.now().plus(Duration.ofHours(1)));
        assertEquals(202, deliver("d-fail", body), "GitHub's Redeliver: same id, same body");
        assertTrue(server.awaitIdle(Duration.ofSeconds(60)), server.output());
        assertEachTaskOnce();
        assertEquals(200, deliver("d-fail", body), "done now: a further Redeliver is ignored");
    }
}
