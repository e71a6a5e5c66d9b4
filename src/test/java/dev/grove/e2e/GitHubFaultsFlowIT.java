package dev.grove.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code grove serve} (the shipped jar) against a GitHub that fails: a 502 after the comment was made, a 403 with
 * {@code Retry-After} on a pull request, a check run whose answer comes after Grove's read timeout. No duplicate is
 * made. A config that cannot be read and a permission check that fails start nothing and say so on the issue; an
 * outsider's repeated commands are answered once.
 */
class GitHubFaultsFlowIT extends GroveE2E {
    static final String COMMENTS = "/repos/octo-org/shop/issues/7/comments";
    static final long FOUND_COMMENT = 880_000; // the id GitHubApiStub gives a comment whose POST was answered 502
    static final Map<String, String> FAST_RETRIES = Map.of("GROVE_GITHUB_TIMEOUT", "1s", "GROVE_GITHUB_BACKOFF",
            "20ms", "GROVE_GITHUB_RETRIES", "3", "GROVE_GITHUB_MAX_WAIT", "5s");

    private static ResponseDefinitionBuilder error(int status, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.github.com/rest\"}");
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    @Test
    void aRunThroughGitHubFaultsOpensNoDuplicateCommentPullRequestOrCheckRun() throws Exception {
        // the tracking comment: GitHub makes it, then answers 502
        github.server().stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("comment").whenScenarioStateIs(STARTED)
                .willReturn(error(502, "Server Error")).willSetStateTo("made"));
        github.stubCommentsLookup(REPO, ISSUE);
        github.stubEditIssueComment(REPO, FOUND_COMMENT);
        // the first task's pull request: a secondary rate limit first
        ObjectNode pull = (ObjectNode) github.example("post_repos_owner_repo_pulls.json", 201);
        pull.put("number", 101).put("html_url", pr(101).htmlUrl()).put("state", "open");
        github.server().stubFor(post(urlPathEqualTo("/repos/octo-org/shop/pulls"))
                .withRequestBody(matchingJsonPath("$.head", com.github.tomakehurst.wiremock.client.WireMock.equalTo(BRANCHES.get(0))))
                .inScenario("pull").whenScenarioStateIs(STARTED)
                .willReturn(error(403, "You have exceeded a secondary rate limit").withHeader("Retry-After", "1"))
                .willSetStateTo("allowed"));
        github.server().stubFor(post(urlPathEqualTo("/repos/octo-org/shop/pulls"))
                .withRequestBody(matchingJsonPath("$.head", com.github.tomakehurst.wiremock.client.WireMock.equalTo(BRANCHES.get(0))))
                .inScenario("pull").whenScenarioStateIs("allowed").willReturn(json(201, pull)));
        // the first check run created: GitHub makes it but answers after Grove's 1 s read timeout
        ObjectNode run = (ObjectNode) github.example("post_repos_owner_repo_check-runs.json", 201);
        run.put("id", CHECK_RUN);
        github.server().stubFor(post(urlPathEqualTo("/repos/octo-org/shop/check-runs")).inScenario("check")
                .whenScenarioStateIs(STARTED).willReturn(json(201, run).withFixedDelay(2500)).willSetStateTo("quick"));
        github.server().stubFor(post(urlPathEqualTo("/repos/octo-org/shop/check-runs")).inScenario("check")
                .whenScenarioStateIs("quick").willReturn(json(201, run)));
        github.stubCheckRunsLookup(REPO);
        startServer(exampleAgent(0), FAST_RETRIES);

        labelIssue(BODY);

        assertEquals(Set.copyOf(BRANCHES), groveBranchesOnOrigin(), "every task ran and pushed");
        assertEquals(1, github.requests("POST", COMMENTS).size(), "one tracking comment, found after the 502");
        assertTrue(!github.requests("PATCH", "/repos/octo-org/shop/issues/comments/" + FOUND_COMMENT).isEmpty(),
                "the comment found is the one edited");
        Map<String, Long> prsByHead = github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .collect(Collectors.groupingBy(r -> r.body().path("head").asText(), Collectors.counting()));
        assertEquals(Map.of(BRANCHES.get(0), 2L, BRANCHES.get(1), 1L, BRANCHES.get(2), 1L), prsByHead,
                "the rate-limited POST sent again once, nothing else twice");
        List<ReceivedRequest> checks = github.requests("POST", "/repos/octo-org/shop/check-runs");
        assertEquals(3, checks.size(), "one check run per task: the one whose answer was lost was found, not made again");
        assertEquals(3, checks.stream().map(c -> c.body().path("external_id").asText()).distinct().count());
        assertTrue(github.requests("GET", "/repos/octo-org/shop/commits/.*/check-runs\\?.*").size() >= 1,
                "Grove looked for the check run before creating it again");
        assertEquals(3, github.requests("PATCH", "/repos/octo-org/shop/check-runs/" + CHECK_RUN).stream()
                .filter(r -> r.body().path("status").asText().equals("completed")).count(), "each completed once");
        assertCleanTraffic();
    }

    @Test
    void aConfigThatCannotBeReadStartsNothingAndTheIssueSaysWhy() throws Exception {
        // the file says `permission: admin`; GitHub fails to serve it: a writer must not run on the defaults
        github.stubError("GET", "/repos/octo-org/shop/contents/.github/grove.yml", 502, "Server Error");
        startServer(exampleAgent(0), FAST_RETRIES);

        comment("/grove run");

        assertTrue(groveBranchesOnOrigin().isEmpty(), "nothing ran");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size(), posted.toString());
        assertTrue(posted.get(0).contains("could not read `.github/grove.yml`") && posted.get(0).contains("502")
                && posted.get(0).contains("nothing was started"), posted.get(0));
        assertEquals(4, github.requests("GET", "/repos/octo-org/shop/contents/.github/grove.yml.*").size(),
                "read, then retried 3 times");
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty());
        assertCleanTraffic();
    }

    @Test
    void aPermissionCheckThatGitHubFailsIsAnsweredNotDropped() throws Exception {
        github.stubError("GET", "/repos/octo-org/shop/collaborators/" + USER + "/permission", 502, "Server Error");
        startServer(exampleAgent(0), FAST_RETRIES);

        comment("/grove run");

        assertTrue(groveBranchesOnOrigin().isEmpty(), "nothing ran");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size(), posted.toString());
        assertTrue(posted.get(0).startsWith("@" + USER + " Grove could not check your permission on octo-org/shop")
                && posted.get(0).contains("nothing was started"), posted.get(0));
        assertCleanTraffic();
    }

    @Test
    void anOutsiderWhoCommandsAgainAndAgainIsAnsweredOnce() throws Exception {
        github.stubPermission(REPO, "mallory", "read");
        startServer(exampleAgent(0), FAST_RETRIES);

        for (int i = 0; i < 3; i++) {
            deliver("issue_comment", issueComment("/grove run", "mallory", "User"));
        }

        assertTrue(groveBranchesOnOrigin().isEmpty());
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size(), "one refusal for three commands: " + posted);
        assertTrue(posted.get(0).startsWith("@mallory ") && posted.get(0).contains("yours: read"), posted.get(0));
        deliver("issue_comment", issueComment("/grove run 1", USER, "User"));
        assertEquals(Set.of(BRANCHES.get(0)), groveBranchesOnOrigin(), "a writer still runs");
        assertCleanTraffic();
    }
}
