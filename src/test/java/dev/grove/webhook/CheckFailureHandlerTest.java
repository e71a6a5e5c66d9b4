package dev.grove.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.command.Triggers;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import dev.grove.testing.WebhookFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which completed checks are a CI fix, on GitHub's published payloads (ADJUSTED as each test says). No I/O. */
class CheckFailureHandlerTest {
    static final String GROVE_APP = "12345";
    final List<Triggers.CheckFailure> got = new ArrayList<>();
    final CheckFailureHandler handler = new CheckFailureHandler(GROVE_APP, got::add);

    static WebhookEvent event(String event, ObjectNode p) {
        return new WebhookEvent(event, p.path("action").asText(), "d", p);
    }

    /** ADJUSTED: an installation added, and the example's pull request made one from a grove/ branch. */
    static ObjectNode onGrovePr(String file) {
        ObjectNode p = WebhookFixtures.payload(file);
        p.putObject("installation").put("id", 4242).put("node_id", "x");
        String key = p.has("check_run") ? "check_run" : "check_suite";
        ObjectNode check = (ObjectNode) p.get(key);
        if (check.withArray("pull_requests").isEmpty()) {
            check.set("pull_requests", WebhookFixtures.payload("check_run.completed").path("check_run")
                    .path("pull_requests").deepCopy());
        }
        ObjectNode head = (ObjectNode) check.withArray("pull_requests").get(0).get("head");
        head.put("ref", "grove/7-add-a-discount-rule").put("sha", check.path("head_sha").asText());
        return p;
    }

    @Test
    void aFailedCheckRunOfAnotherAppOnAGrovePrIsACiFixWithItsOutput() {
        ObjectNode p = onGrovePr("check_run.completed.github-actions"); // its conclusion is failure
        ((ObjectNode) p.path("check_run").path("output")).put("summary", "1 failure").put("annotations_count", 2);
        assertInstanceOf(Routing.Enqueue.class, handler.route(event("check_run", p))).job().run();
        Triggers.CheckFailure t = got.get(0);
        assertEquals(List.of(2), t.pullNumbers());
        assertEquals("ec26c3e57ca3a959ca5aad62de7213c562f8c821", t.headSha());
        assertEquals("Octocoders-linter", t.checkRun().name());
        assertEquals("1 failure", t.checkRun().summary());
        assertEquals(2, t.checkRun().annotationsCount());
        assertEquals(118578147L, t.checkSuiteId());
        assertEquals("github-actions", t.app());
        assertEquals(4242, t.repo().installationId());
    }

    @Test
    void aFailedCheckSuiteIsACiFixWhoseRunsAreListedLater() {
        ObjectNode p = onGrovePr("check_suite.completed");
        ((ObjectNode) p.get("check_suite")).put("conclusion", "failure"); // ADJUSTED: GitHub's example succeeded
        assertInstanceOf(Routing.Enqueue.class, handler.route(event("check_suite", p))).job().run();
        assertNull(got.get(0).checkRun());
        assertEquals(118578147L, got.get(0).checkSuiteId());
    }

    @Test
    void successGrovesOwnChecksOtherBranchesAndOldHeadsAreIgnored() {
        assertTrue(ignored("check_run", onGrovePr("check_run.completed")).contains("did not fail")); // success
        ObjectNode own = onGrovePr("check_run.completed.github-actions");
        ((ObjectNode) own.path("check_run").path("app")).put("id", Long.parseLong(GROVE_APP));
        assertTrue(ignored("check_run", own).contains("Grove's own"));
        ObjectNode named = onGrovePr("check_run.completed.github-actions");
        ((ObjectNode) named.get("check_run")).put("name", "grove / Add a discount rule");
        assertTrue(ignored("check_run", named).contains("Grove's own"));
        ObjectNode ownSuite = onGrovePr("check_suite.completed");
        ((ObjectNode) ownSuite.get("check_suite")).put("conclusion", "failure");
        ((ObjectNode) ownSuite.path("check_suite").path("app")).put("id", Long.parseLong(GROVE_APP));
        assertTrue(ignored("check_suite", ownSuite).contains("Grove's own"));
        assertTrue(ignored("check_run", WebhookFixtures.payload("check_run.completed.github-actions"))
                .contains("no App installation"));
        ObjectNode other = onGrovePr("check_run.completed.github-actions");
        ((ObjectNode) other.path("check_run").withArray("pull_requests").get(0).get("head")).put("ref", "feature");
        assertTrue(ignored("check_run", other).contains("not on the head of a pull request from a grove/ branch"));
        ObjectNode old = onGrovePr("check_run.completed.github-actions");
        ((ObjectNode) old.path("check_run").withArray("pull_requests").get(0).get("head")).put("sha", "0".repeat(40));
        assertTrue(ignored("check_run", old).contains("not on the head"));
        assertTrue(got.isEmpty());
    }

    private String ignored(String event, ObjectNode p) {
        return assertInstanceOf(Routing.Ignore.class, handler.route(event(event, p))).reason();
    }
}
