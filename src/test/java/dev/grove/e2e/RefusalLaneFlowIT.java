package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.GitFixtures;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A long command from someone who may not command Grove is refused on the short lane: the refusal is posted while
 * every long-lane thread is taken by a run, not after them. And it is posted once an hour, even across a restart.
 */
class RefusalLaneFlowIT extends GroveE2E {
    /** {@code GroveServer.LONG_JOB_THREADS}: one issue's run holds each. */
    static final int LONG_THREADS = 4;
    static final String OUTSIDER = "outsider";

    @Test
    void anOutsidersRunIsRefusedWhileEveryLongLaneThreadRunsAnIssue() throws Exception {
        // the agents wait for the test's word, in a folder every sandbox is shown
        Path marks = Files.createDirectories(tmp.resolve("marks"));
        Files.setPosixFilePermissions(marks, PosixFilePermissions.fromString("rwxrwxrwx"));
        String agent = "mktemp '" + marks + "'/started.XXXXXX >/dev/null; while [ ! -f '" + marks
                + "/release' ]; do sleep 0.2; done; " + exampleAgent(0);
        github.stubPermission(REPO, OUTSIDER, "read");
        String oneTask = "- [ ] Add a discount rule\n  paths: src/cart/**\n";
        for (int i = 1; i < LONG_THREADS; i++) {
            github.stubCreateIssueComment(REPO, ISSUE + i, 9300 + i);
            github.stubEditIssueComment(REPO, 9300 + i);
            github.stubCreatePull(REPO, "grove/" + (ISSUE + i) + "-add-a-discount-rule", pr(300 + i));
            github.stubCreateIssueComment(REPO, 300 + i, 9400 + i);
        }
        startServer(agent, Map.of("GROVE_SANDBOX_BIND", marks.toString(), "GROVE_AGENT_TIMEOUT", "300s"));
        for (int i = 0; i < LONG_THREADS; i++) {
            assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues",
                    "label-" + i, WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(),
                            GitFixtures.fileUrl(origin), ISSUE + i, "Release prep " + i, oneTask, "grove",
                            INSTALLATION)), SECRET).statusCode());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (started(marks) < LONG_THREADS) {
            if (System.nanoTime() > deadline) throw new AssertionError("the agents did not start\n" + server.output());
            Thread.sleep(50);
        }

        // every long-lane thread is in a run now; the outsider asks for one more
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issue_comment",
                "outsider-run", WebhookFixtures.bytes(issueComment("/grove run", OUTSIDER, "User")), SECRET)
                .statusCode());
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (refusals().isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("no refusal while the runs go on\n"
                    + server.output());
            Thread.sleep(50);
        }
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty(), "the runs were still going");
        assertEquals(LONG_THREADS, started(marks), "and no agent started for the outsider");
        assertTrue(refusals().get(0).contains("yours: read"), refusals().get(0));

        Files.writeString(marks.resolve("release"), "go");
        assertTrue(server.awaitIdle(Duration.ofSeconds(120)), server.output());
        assertEquals(LONG_THREADS, github.requests("POST", "/repos/octo-org/shop/pulls").size(), "the runs finished");
        assertEquals(1, refusals().size(), "one refusal");
        assertEquals(LONG_THREADS, started(marks), "nothing ran for the outsider");

        // the outsider asks again, after a restart: within the hour, not answered again (the throttle is in the
        // database, not in the process)
        server.close();
        startServer(agent, Map.of("GROVE_SANDBOX_BIND", marks.toString()));
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issue_comment",
                "outsider-run-2", WebhookFixtures.bytes(WebhookFixtures.fresh(issueComment("/grove run",
                        OUTSIDER, "User"), 2)), SECRET).statusCode());
        assertTrue(server.awaitIdle(Duration.ofSeconds(60)), server.output());
        assertTrue(server.output().contains(OUTSIDER + " (read) may not command Grove"), "it was refused again");
        assertEquals(1, refusals().size(), "but not answered again");
        assertEquals(LONG_THREADS, started(marks));
    }

    List<String> refusals() {
        return commentsOn(ISSUE).stream().filter(c -> c.startsWith("@" + OUTSIDER + " Grove takes commands only"))
                .toList();
    }

    static long started(Path marks) throws java.io.IOException {
        try (var files = Files.list(marks)) {
            return files.filter(f -> f.getFileName().toString().startsWith("started.")).count();
        }
    }
}
