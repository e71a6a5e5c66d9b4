package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every issue command, from a signed {@code issue_comment.created} delivery to a running {@code grove serve}. */
class CommandsFlowIT extends GroveE2E {

    @Test
    void planShowsTheSplitAndRunsNothing() throws Exception {
        startServer(exampleAgent(0));
        Map<String, String> refs = GitFixtures.refs(origin);
        comment("/grove plan");

        assertEquals(refs, GitFixtures.refs(origin), "nothing pushed");
        assertFalse(Files.exists(dataDir.resolve("worktrees")), "no worktree");
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertTrue(github.requests("POST", "/repos/octo-org/shop/check-runs").isEmpty());
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size(), "only the tracking comment");
        String plan = posted.get(0);
        assertTrue(plan.contains("(planned)"), plan);
        // what a reviewer approves: every task with the paths it may touch and its wave, as /grove run will run it
        assertTrue(plan.contains("| # | Task | May touch | Wave | Waits for |"), plan);
        assertTrue(plan.contains("| 1 | Add a discount rule | `src/cart/**` | 1 |  |"), plan);
        assertTrue(plan.contains("| 2 | Make search ignore case | `src/search/**` | 1 |  |"), plan);
        assertTrue(plan.contains("| 3 | Write the release notes | `docs/**` | 1 |  |"), plan);
        assertTrue(plan.contains("/grove run"), plan);
        long commentId = issueComment("/grove plan", USER, "User").path("comment").path("id").asLong();
        var seen = github.requests("POST", "/repos/octo-org/shop/issues/comments/" + commentId + "/reactions");
        assertEquals(1, seen.size(), "the command is acknowledged with a reaction on its comment");
        assertEquals("eyes", seen.get(0).body().path("content").asText());
        assertCleanTraffic();
    }

    @Test
    void runWithTaskNumbersRunsOnlyThoseTasksOfThePlan() throws Exception {
        startServer(exampleAgent(0.2));
        comment("/grove plan");
        comment("/grove run 2,3");

        assertEquals(Set.of(BRANCHES.get(1), BRANCHES.get(2)), groveBranchesOnOrigin());
        List<ReceivedRequest> prs = github.requests("POST", "/repos/octo-org/shop/pulls");
        assertEquals(Set.of(BRANCHES.get(1), BRANCHES.get(2)),
                Set.copyOf(prs.stream().map(r -> r.body().path("head").asText()).toList()));
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("| 1 | Add a discount rule | planned |"), tracking);
        assertEquals(2, tracking.split("PR opened", -1).length - 1, tracking);
        assertEquals(1, commentsOn(ISSUE).size(), "one tracking comment, edited in place");
        assertCleanTraffic();
    }

    @Test
    void runRunsEveryTaskWithACheckRunEach() throws Exception {
        startServer(exampleAgent(0.2));
        comment("/grove run");

        assertEquals(Set.copyOf(BRANCHES), groveBranchesOnOrigin());
        List<ReceivedRequest> created = github.requests("POST", "/repos/octo-org/shop/check-runs");
        assertEquals(3, created.size());
        for (ReceivedRequest r : created) {
            JsonNode b = r.body();
            assertEquals("in_progress", b.path("status").asText());
            assertTrue(b.path("name").asText().startsWith("grove / "), b.toString());
            String branch = BRANCHES.stream().filter(x -> b.path("name").asText().toLowerCase()
                    .replace(' ', '-').endsWith(x.substring("grove/7-".length()))).findFirst().orElseThrow();
            assertEquals(GitFixtures.originBranchSha(origin, branch), b.path("head_sha").asText(),
                    "the check run is on the task's pushed head");
            assertEquals("octo-org/shop#7/" + branch.substring("grove/7-".length()), b.path("external_id").asText());
        }
        List<ReceivedRequest> completed = github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + CHECK_RUN);
        assertEquals(3, completed.size());
        for (ReceivedRequest r : completed) {
            assertEquals("completed", r.body().path("status").asText());
            assertEquals("neutral", r.body().path("conclusion").asText(), "no verify command configured");
            String summary = r.body().path("output").path("summary").asText();
            assertTrue(summary.contains("### Files changed (1)") && summary.contains("example agent: edited"), summary);
            assertEquals("retry", r.body().path("actions").get(0).path("identifier").asText());
        }
        assertCleanTraffic();
    }

    @Test
    void statusAfterARunShowsTheRunsOwnFiguresNotTheLongestTask() throws Exception {
        startServer(exampleAgent(0.3));
        comment("/grove run");
        String done = lastTrackingComment();
        String totals = done.lines().filter(l -> l.startsWith("**Totals:**")).findFirst().orElseThrow(() ->
                new AssertionError("no totals after the run:\n" + done));
        comment("/grove status");
        String redrawn = lastTrackingComment();
        assertTrue(redrawn.contains("(done)"), redrawn);
        assertTrue(redrawn.contains(totals + "\n"), "the run's figures, kept with it:\n" + totals + "\n---\n" + redrawn);
        assertCleanTraffic();
    }

    @Test
    void statusRedrawsTheTrackingComment() throws Exception {
        startServer(exampleAgent(0));
        comment("/grove status");
        assertTrue(commentsOn(ISSUE).get(0).contains("has not planned or run #7"), commentsOn(ISSUE).toString());
        comment("/grove plan");
        int edits = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/9001").size();
        github.server().resetRequests();
        comment("/grove status");
        List<ReceivedRequest> after = github.requests("PATCH", "/repos/octo-org/shop/issues/comments/9001");
        assertEquals(1, after.size(), "status edits the tracking comment in place (before: " + edits + " edits)");
        assertTrue(after.get(0).body().path("body").asText().contains("(planned)"));
        assertTrue(github.requests("POST", "/repos/octo-org/shop/issues/7/comments").isEmpty());
        assertCleanTraffic();
    }

    @Test
    void aCommenterWithoutWritePermissionGetsOneReplyAndNothingRuns() throws Exception {
        github.stubPermission(REPO, USER, "triage");
        startServer(exampleAgent(0));
        Map<String, String> refs = GitFixtures.refs(origin);
        comment("/grove run");

        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size());
        assertTrue(posted.get(0).contains("@" + USER) && posted.get(0).contains("write access")
                && posted.get(0).contains("yours: triage"), posted.get(0));
        assertEquals(refs, GitFixtures.refs(origin));
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertFalse(Files.exists(dataDir.resolve("worktrees")));
        assertCleanTraffic();
    }

    @Test
    void aBotIsNeverObeyedNotEvenGroveItself() throws Exception {
        startServer(exampleAgent(0));
        HttpResponse<String> r = deliver("issue_comment", issueComment("/grove run", "grove[bot]", "Bot"));
        assertTrue(r.body().contains("ignored") && r.body().contains("bot"), r.body());
        HttpResponse<String> other = deliver("issue_comment", issueComment("/grove run", "dependabot[bot]", "Bot"));
        assertTrue(other.body().contains("ignored"), other.body());
        assertTrue(github.all().isEmpty(), "no request reached GitHub: " + github.all());
        assertTrue(groveBranchesOnOrigin().isEmpty());
    }

    @Test
    void aCommentThatIsNotACommandStartsNoJob() throws Exception {
        startServer(exampleAgent(0));
        HttpResponse<String> r = deliver("issue_comment", issueComment("I think /grove run would do it", USER, "User"));
        assertTrue(r.body().contains("ignored"), r.body());
        HttpResponse<String> code = deliver("issue_comment", issueComment("```\n/grove run\n```", USER, "User"));
        assertTrue(code.body().contains("ignored"), code.body());
        assertTrue(github.all().isEmpty());
    }

    @Test
    void aMalformedCommandGetsTheHelpText() throws Exception {
        startServer(exampleAgent(0));
        comment("/grove deploy everything");
        comment("/grove help");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(2, posted.size());
        assertTrue(posted.get(0).startsWith("`deploy` is not a Grove command.") && posted.get(0).contains("/grove retry <task>"),
                posted.get(0));
        assertTrue(posted.get(1).contains("**Grove commands**"));
        assertTrue(groveBranchesOnOrigin().isEmpty());
        assertCleanTraffic();
    }

    @Test
    void runOfATaskThePlanDoesNotHaveStartsNothing() throws Exception {
        startServer(exampleAgent(0));
        comment("/grove run 2,9");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size());
        assertTrue(posted.get(0).contains("no task 9"), posted.get(0));
        assertTrue(groveBranchesOnOrigin().isEmpty());
    }

    @Test
    void retryRunsAFailedTaskAgainOnTheSameBranchName() throws Exception {
        java.nio.file.Path failFlag = Files.writeString(tmp.resolve("fail"), "x");
        startServer("if [ -f '" + failFlag + "' ]; then echo 'agent: not today' >&2; exit 3; fi; " + exampleAgent(0));
        comment("/grove run");
        assertTrue(groveBranchesOnOrigin().isEmpty(), "every task failed");
        assertEquals(3, lastTrackingComment().split("agent exited with code 3", -1).length - 1);

        Files.delete(failFlag);
        comment("/grove retry \"Make search ignore case\"");
        assertEquals(Set.of(BRANCHES.get(1)), groveBranchesOnOrigin(), "only task 2 ran again, under its own name");
        assertTrue(Files.exists(worktree(BRANCHES.get(0))), "task 1's failed worktree is still kept");
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("#102"), tracking);
        assertEquals(2, tracking.split("agent exited with code 3", -1).length - 1, "tasks 1 and 3 still failed: " + tracking);

        comment("/grove retry 2");
        List<String> posted = commentsOn(ISSUE);
        assertTrue(posted.get(posted.size() - 1).contains("`/grove retry` runs only failed tasks"), posted.toString());
        assertCleanTraffic();
    }

    @Test
    void aTaskWhosePushFailedAfterItsCommitRunsAgainOnTheSameBranchName() throws Exception {
        // origin refuses pushes while the flag exists: the task's commit is made in the clone, its push fails
        java.nio.file.Path refuse = Files.writeString(tmp.resolve("refuse"), "x");
        java.nio.file.Path hook = origin.resolve("hooks/pre-receive");
        Files.writeString(hook, "#!/bin/sh\nif [ -f '" + refuse + "' ]; then echo 'refused by the test' >&2; exit 1; fi\n");
        hook.toFile().setExecutable(true);
        startServer(exampleAgent(0));
        comment("/grove run 1");
        assertTrue(groveBranchesOnOrigin().isEmpty(), "the push was refused");
        String failed = lastTrackingComment();
        assertTrue(failed.contains(":x: failed: origin rejected the push") && failed.contains("refused by the test"),
                failed);

        Files.delete(refuse);
        comment("/grove retry 1");
        assertEquals(Set.of(BRANCHES.get(0)), groveBranchesOnOrigin(), "the retry pushed under the task's own name");
        assertEquals("1", dev.grove.testing.GitFixtures.runGit(origin, "rev-list", "--count", "main.." + BRANCHES.get(0))
                .trim(), "one commit: the retry started from the base again");
    }

    @Test
    void cancelStopsARunningAgentAndPushesNothing() throws Exception {
        startServer("sleep 30; " + exampleAgent(0));
        URI base = URI.create("http://localhost:" + server.port());
        byte[] run = dev.grove.testing.WebhookFixtures.bytes(issueComment("/grove run 1", USER, "User"));
        assertEquals(202, dev.grove.testing.WebhookFixtures.deliver(base, "issue_comment", "run", run, SECRET).statusCode());
        java.nio.file.Path log = dataDir.resolve("tasks/octo-org/shop/7/add-a-discount-rule/agent.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(log) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(Files.exists(log), "the agent started");
        comment("/grove cancel 1");

        assertTrue(groveBranchesOnOrigin().isEmpty(), "nothing pushed");
        String tracking = lastTrackingComment();
        // the task's message can carry agent-written text, so the tracking comment mentions nobody (SafeMarkdown)
        assertTrue(tracking.contains(dev.grove.report.SafeMarkdown.neutralize("cancelled by @" + USER)), tracking);
        assertTrue(commentsOn(ISSUE).stream().anyMatch(c -> c.contains("Cancelling task 1")), commentsOn(ISSUE).toString());
        GitFixtures.runGit(cacheClone(), "rev-parse", "--verify", "refs/heads/" + BRANCHES.get(0)); // branch kept
        assertCleanTraffic();
    }

    @Test
    void aRunAfterTheIssueChangedSinceThePlanWasShownRunsNothingAndAsksForANewPlan() throws Exception {
        startServer(exampleAgent(0));
        comment("/grove plan");
        var changed = issueComment("/grove run", USER, "User");
        String newBody = """
                - [ ] Only the docs now
                  paths: docs/**
                """;
        ((com.fasterxml.jackson.databind.node.ObjectNode) changed.get("issue")).put("body", newBody);
        deliver("issue_comment", changed);

        assertTrue(groveBranchesOnOrigin().isEmpty(), "neither the shown plan nor a new one ran");
        String reply = commentsOn(ISSUE).get(commentsOn(ISSUE).size() - 1);
        assertTrue(reply.startsWith("The issue changed since `/grove plan` showed its plan, so nothing was started"),
                reply);

        var plan = issueComment("/grove plan", USER, "User");
        ((com.fasterxml.jackson.databind.node.ObjectNode) plan.get("issue")).put("body", newBody);
        deliver("issue_comment", plan);
        github.stubCreatePull(REPO, "grove/7-only-the-docs-now", pr(110));
        deliver("issue_comment", changed);
        assertEquals(Set.of("grove/7-only-the-docs-now"), groveBranchesOnOrigin(), "the newly shown plan ran");
        assertCleanTraffic();
    }

    @Test
    void aRunAfterARunPlansTheChangedIssueAgainAndSaysSo() throws Exception {
        startServer(exampleAgent(0));
        comment("/grove run 1");
        var changed = issueComment("/grove run", USER, "User");
        ((com.fasterxml.jackson.databind.node.ObjectNode) changed.get("issue")).put("body", """
                - [ ] Only the docs now
                  paths: docs/**
                """);
        github.stubCreatePull(REPO, "grove/7-only-the-docs-now", pr(110));
        deliver("issue_comment", changed);

        assertTrue(groveBranchesOnOrigin().contains("grove/7-only-the-docs-now"), "no plan was waiting for approval");
        assertTrue(commentsOn(ISSUE).stream().anyMatch(c -> c.contains("changed since the last plan")),
                commentsOn(ISSUE).toString());
        assertCleanTraffic();
    }
}
