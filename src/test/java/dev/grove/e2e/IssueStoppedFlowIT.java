package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Closing an issue, or taking its trigger label off, stops its agents through the shipped jar: running tasks are
 * cancelled, worktrees that pushed nothing are removed, and a pushed branch with its open PR stays.
 */
class IssueStoppedFlowIT extends GroveE2E {
    /** Task 1 finishes at once; the others would think for a minute. */
    static final String AGENT = "[ \"$GROVE_TASK_TITLE\" = 'Add a discount rule' ] || sleep 60; " + exampleAgent(0);

    @Test
    void closingTheIssueStopsItsAgentsAndRemovesWhatPushedNothing() throws Exception {
        startRunWithTwoAgentsStillThinking();

        // ADJUSTED: GitHub publishes no issues.closed example (checked in @octokit/webhooks-examples 7.6.1 too); this
        // is its issues.unlabeled example with the action and state of a close, as the docs describe the event.
        ObjectNode closed = issueEvent("issues.unlabeled");
        closed.put("action", "closed");
        closed.remove("label");
        ((ObjectNode) closed.get("issue")).put("state", "closed");
        post("issues", closed);

        assertStoppedTwoTasksAndKeptThePushedOne("the issue was closed by @" + USER);
    }

    @Test
    void removingTheTriggerLabelStopsTheAgentsButAnotherLabelDoesNot() throws Exception {
        startRunWithTwoAgentsStillThinking();
        post("issues", issueEvent("issues.unlabeled")); // GitHub's example removes `bug`: nothing stops
        Thread.sleep(1000);
        ObjectNode grove = issueEvent("issues.unlabeled");
        ((ObjectNode) grove.get("label")).put("name", "grove");
        post("issues", grove);

        // had `bug` stopped anything, the reply would name it and the `grove` removal would find nothing to stop
        assertStoppedTwoTasksAndKeptThePushedOne("the `grove` label was removed by @" + USER);
        assertEquals(2, commentsOn(ISSUE).size(), "the tracking comment and one reply: " + commentsOn(ISSUE));
    }

    /** {@code /grove run}, delivered without waiting, until task 1 has its PR and tasks 2 and 3 are thinking. */
    void startRunWithTwoAgentsStillThinking() throws Exception {
        startServer(AGENT);
        post("issue_comment", issueComment("/grove run", USER, "User"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, github.requests("POST", "/repos/octo-org/shop/pulls").size(), "task 1 opened its PR");
        for (String slug : List.of("make-search-ignore-case", "write-the-release-notes")) {
            while (!Files.exists(dataDir.resolve("tasks/octo-org/shop/7/" + slug + "/agent.log"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    void assertStoppedTwoTasksAndKeptThePushedOne(String why) throws Exception {
        assertTrue(server.awaitIdle(Duration.ofSeconds(30)), "the run ended well before its agents' minute");
        assertEquals(Set.of(BRANCHES.get(0)), groveBranchesOnOrigin(), "the stopped tasks pushed nothing");
        assertTrue(Files.exists(worktree(BRANCHES.get(0))), "the pushed task's worktree stays with its open PR");
        assertFalse(Files.exists(worktree(BRANCHES.get(1))), "unpushed worktree removed");
        assertFalse(Files.exists(worktree(BRANCHES.get(2))), "unpushed worktree removed");
        GitFixtures.runGit(cacheClone(), "rev-parse", "--verify", "refs/heads/" + BRANCHES.get(1)); // local branch kept
        assertTrue(github.requests("DELETE", ".*").isEmpty(), "no branch deleted on GitHub");
        String said = commentsOn(ISSUE).get(commentsOn(ISSUE).size() - 1);
        assertTrue(said.startsWith("Stopped tasks 2, 3: " + why + ". 2 worktrees that pushed nothing removed; pushed "
                + "branches and their pull requests are kept."), said);
        assertCleanTraffic();
    }

    /** Delivers without waiting for the server to be idle (its run is still going). */
    void post(String event, ObjectNode payload) throws Exception {
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), event,
                "delivery-" + deliveries.incrementAndGet(), WebhookFixtures.bytes(payload), SECRET).statusCode());
    }

    ObjectNode issueEvent(String example) {
        ObjectNode p = WebhookFixtures.payload(example);
        pointAtRepo(p);
        ObjectNode issue = (ObjectNode) p.get("issue");
        issue.put("number", ISSUE);
        issue.put("title", "Release prep");
        issue.put("body", BODY);
        ((ObjectNode) p.get("sender")).put("login", USER).put("type", "User");
        return p;
    }
}
