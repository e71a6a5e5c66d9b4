package dev.grove.webhook;

import dev.grove.queue.WebhookEvent;

import dev.grove.queue.EventHandler;
import dev.grove.queue.Routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.command.Triggers;
import dev.grove.testing.WebhookFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing of the new triggers, on GitHub's published payloads (adjusted where a test says so). No I/O. */
class TriggerHandlersTest {

    static WebhookEvent event(String event, ObjectNode payload) {
        return new WebhookEvent(event, payload.path("action").asText(), "d", payload);
    }

    @Test
    void aCommandCommentOnAnIssueBecomesAJob() {
        List<Triggers.Comment> got = new ArrayList<>();
        ObjectNode p = WebhookFixtures.payload("issue_comment.created");
        ((ObjectNode) p.get("comment")).put("body", "/grove run 2,3");
        Routing r = new IssueCommentCreatedHandler(got::add).route(event("issue_comment", p));
        assertInstanceOf(Routing.Enqueue.class, r).job().run();
        assertEquals(1, got.size());
        assertEquals("Codertocat", got.get(0).req().requestedBy());
        assertEquals(p.path("issue").path("number").asInt(), got.get(0).req().issueNumber());
        assertEquals(false, got.get(0).onPullRequest());
    }

    @Test
    void aLongCommandIsGatedOnTheShortLaneAndAShortOneRunsThereWhole() {
        List<String> seen = new ArrayList<>();
        IssueCommentCreatedHandler h = new IssueCommentCreatedHandler(c -> seen.add("whole"),
                c -> seen.add("gate") && c.body().contains("2"), c -> seen.add("admitted"));
        ObjectNode p = WebhookFixtures.payload("issue_comment.created");
        ((ObjectNode) p.get("comment")).put("body", "/grove run 2");
        Routing.Enqueue run = assertInstanceOf(Routing.Enqueue.class, h.route(event("issue_comment", p)));
        assertEquals(Routing.Lane.SHORT, run.firstLane(), "the gate first, on the short lane");
        assertEquals(Routing.Lane.LONG, run.lane(), "then the run, on the long lane");
        assertTrue(run.gate().getAsBoolean());
        run.job().run();
        assertEquals(List.of("gate", "admitted"), seen);

        seen.clear();
        ((ObjectNode) p.get("comment")).put("body", "/grove status");
        Routing.Enqueue status = assertInstanceOf(Routing.Enqueue.class, h.route(event("issue_comment", p)));
        assertEquals(null, status.gate());
        assertEquals(Routing.Lane.SHORT, status.firstLane());
        status.whole().run();
        assertEquals(List.of("whole"), seen);
    }

    @Test
    void aLabelIsGatedOnTheShortLane() {
        List<String> seen = new ArrayList<>();
        ObjectNode p = WebhookFixtures.issuesLabeled("octo-org/shop", "file:///tmp/x.git", 7, "T", "B", "grove", 1);
        Routing.Enqueue r = assertInstanceOf(Routing.Enqueue.class, new LabelTriggerHandler(l -> seen.add("whole"),
                l -> seen.add("gate") && false, l -> seen.add("admitted")).route(event("issues", p)));
        assertEquals(Routing.Lane.SHORT, r.firstLane());
        r.whole().run();
        assertEquals(List.of("gate"), seen, "refused at the gate: the run never comes");
    }

    @Test
    void theExampleCommentItselfIsNotACommand() {
        Routing r = new IssueCommentCreatedHandler(c -> { }).route(event("issue_comment",
                WebhookFixtures.payload("issue_comment.created")));
        assertTrue(assertInstanceOf(Routing.Ignore.class, r).reason().startsWith("not a command"));
    }

    @Test
    void commentsByBotsAreIgnored() {
        ObjectNode p = WebhookFixtures.payload("issue_comment.created");
        ((ObjectNode) p.get("comment")).put("body", "/grove run");
        ((ObjectNode) p.path("comment").path("user")).put("login", "grove[bot]").put("type", "Bot");
        assertInstanceOf(Routing.Ignore.class, new IssueCommentCreatedHandler(c -> { }).route(event("issue_comment", p)));
    }

    @Test
    void labelAndStopEventsFromBotsOnPullRequestsOrWithoutAnInstallationAreIgnored() {
        List<EventHandler> handlers = List.of(new LabelTriggerHandler(t -> { }), new IssueStoppedHandler(t -> { }));
        for (EventHandler h : handlers) {
            ObjectNode p = WebhookFixtures.payload("issues.labeled");
            p.putObject("installation").put("id", 7); // ADJUSTED: the example was not sent through an App
            assertInstanceOf(Routing.Enqueue.class, h.route(event("issues", p)), h + " routes a person's event");

            ObjectNode bot = p.deepCopy();
            ((ObjectNode) bot.path("sender")).put("login", "grove[bot]").put("type", "Bot"); // ADJUSTED
            assertTrue(assertInstanceOf(Routing.Ignore.class, h.route(event("issues", bot))).reason().contains("bot"));

            ObjectNode onPr = p.deepCopy();
            ((ObjectNode) onPr.path("issue")).putObject("pull_request").put("url", "x"); // ADJUSTED
            assertTrue(assertInstanceOf(Routing.Ignore.class, h.route(event("issues", onPr))).reason()
                    .contains("pull request"));

            ObjectNode noInstallation = p.deepCopy();
            noInstallation.remove("installation"); // ADJUSTED
            assertTrue(assertInstanceOf(Routing.Ignore.class, h.route(event("issues", noInstallation))).reason()
                    .contains("installation"));
        }
    }

    @Test
    void onlyGroveCheckRunsOfThisAppAreRouted() {
        ObjectNode p = WebhookFixtures.payload("check_run.requested_action");
        assertInstanceOf(Routing.Ignore.class, new CheckRunHandler("12345", c -> { }).route(event("check_run", p)));
        // ADJUSTED: the example's check run belongs to another App and has another name.
        ((ObjectNode) p.get("check_run")).put("name", "grove / Add a rule").put("external_id", "o/r#1/add-a-rule");
        ((ObjectNode) p.path("check_run").path("app")).put("id", 12345);
        ((ObjectNode) p.get("requested_action")).put("identifier", "cancel");
        List<Triggers.CheckRun> got = new ArrayList<>();
        assertInstanceOf(Routing.Enqueue.class, new CheckRunHandler("12345", got::add).route(event("check_run", p)))
                .job().run();
        assertEquals("cancel", got.get(0).action());
        assertEquals("o/r#1/add-a-rule", got.get(0).externalId());
    }

    @Test
    void onlyReviewsRequestingChangesOnGroveBranchesAreRouted() {
        ObjectNode p = WebhookFixtures.payload("pull_request_review.submitted");
        assertInstanceOf(Routing.Ignore.class, new PullRequestReviewSubmittedHandler(r -> { })
                .route(event("pull_request_review", p)), "a 'commented' review");
        ((ObjectNode) p.get("review")).put("state", "changes_requested"); // ADJUSTED
        assertInstanceOf(Routing.Ignore.class, new PullRequestReviewSubmittedHandler(r -> { })
                .route(event("pull_request_review", p)), "not a grove/ branch");
        ((ObjectNode) p.path("pull_request").path("head")).put("ref", "grove/7-x"); // ADJUSTED
        assertInstanceOf(Routing.Enqueue.class, new PullRequestReviewSubmittedHandler(r -> { })
                .route(event("pull_request_review", p)));
    }

    @Test
    void reviewCommentsOnGroveBranchesByPeopleAreKeptWithFileLineHunkAndThread() {
        ObjectNode p = WebhookFixtures.payload("pull_request_review_comment.created");
        PullRequestReviewCommentHandler handler = new PullRequestReviewCommentHandler(c -> { });
        assertInstanceOf(Routing.Ignore.class, handler.route(event("pull_request_review_comment", p)),
                "not a grove/ branch");
        ((ObjectNode) p.path("pull_request").path("head")).put("ref", "grove/7-x"); // ADJUSTED
        List<Triggers.ReviewThreadComment> got = new ArrayList<>();
        Routing r = new PullRequestReviewCommentHandler(got::add).route(event("pull_request_review_comment", p));
        assertEquals(Routing.Lane.SHORT, assertInstanceOf(Routing.Enqueue.class, r).lane());
        ((Routing.Enqueue) r).job().run();
        var c = got.get(0).comment();
        assertEquals(284312630L, c.id());
        assertEquals(284312630L, c.threadId(), "a first comment is its own thread");
        assertEquals(237895671L, c.reviewId());
        assertEquals("README.md", c.path());
        assertEquals(265, c.line());
        assertEquals("@@ -1 +1 @@\n-# Hello-World", c.diffHunk());
        assertEquals("Codertocat", c.author());
        assertEquals(2, got.get(0).pullNumber());

        ((ObjectNode) p.get("comment")).put("in_reply_to_id", 111L); // ADJUSTED: a reply in a thread
        ((Routing.Enqueue) new PullRequestReviewCommentHandler(got::add).route(event("pull_request_review_comment", p)))
                .job().run();
        assertEquals(111L, got.get(1).comment().threadId(), "GitHub takes replies on a thread's first comment only");

        ((ObjectNode) p.path("comment").path("user")).put("login", "ci[bot]").put("type", "Bot"); // ADJUSTED
        assertInstanceOf(Routing.Ignore.class, handler.route(event("pull_request_review_comment", p)), "a bot's");
    }

    @Test
    void closedPullRequestsOfGroveBranchesAreRouted() {
        ObjectNode p = WebhookFixtures.payload("pull_request.closed.not-merged");
        assertInstanceOf(Routing.Ignore.class, new PullRequestClosedHandler(c -> { }).route(event("pull_request", p)));
        ((ObjectNode) p.path("pull_request").path("head")).put("ref", "grove/7-x"); // ADJUSTED
        List<Triggers.PullRequestClosed> got = new ArrayList<>();
        assertInstanceOf(Routing.Enqueue.class, new PullRequestClosedHandler(got::add).route(event("pull_request", p)))
                .job().run();
        assertEquals(false, got.get(0).merged());
    }
}
