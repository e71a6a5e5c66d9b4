package dev.grove.github;

import dev.grove.model.RepoRef;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GitHub failing under Grove's real client stack ({@link RetryingGitHubGateway} over {@link Hub4jGitHubGateway} and
 * its {@link FaultAwareConnector}): 5xx, answers that never come in time, connection faults and rate limits are
 * retried as GitHub asks, and a create whose first attempt GitHub may have acted on is looked up before it is sent
 * again, so no comment, pull request or check run is made twice. Asserted on the requests WireMock received.
 */
class GitHubFaultsIT {
    static final RepoRef REPO = new RepoRef("octo-org", "widgets");
    static final String COMMENTS = "/repos/octo-org/widgets/issues/5/comments";
    static final String PULLS = "/repos/octo-org/widgets/pulls";
    static final String CHECK_RUNS = "/repos/octo-org/widgets/check-runs";
    static final String SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    /** Short, so that a delayed answer counts as lost quickly; backoff small, so that the tests stay fast. */
    static final GitHubClientSettings FAST = new GitHubClientSettings(Duration.ofMillis(1000), 3, Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ofSeconds(5));

    GitHubApiStub github;
    GitHubGateway gateway;

    @BeforeEach
    void start() {
        github = new GitHubApiStub();
        github.stubRepository(REPO);
        gateway = new RetryingGitHubGateway(new Hub4jGitHubGateway(github.baseUrl(), id -> "ghs_faults", 77, FAST,
                Clock.systemUTC(), GitHubCallListener.NONE), FAST, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private void assertCleanTraffic() {
        github.assertNoUnmatchedRequests();
        github.assertRequestBodiesMatchSchemas();
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    private static ResponseDefinitionBuilder error(int status, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.github.com/rest\"}");
    }

    private JsonNode comment(long id) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) github.example(
                "post_repos_owner_repo_issues_issue_number_comments.json", 201)).put("id", id);
    }

    /** {@code first} on the first request to {@code method path}, {@code then} on every later one. */
    private void failThenAnswer(String method, String path, ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        var match = method.equals("POST") ? post(urlPathEqualTo(path)) : get(urlPathEqualTo(path));
        var later = method.equals("POST") ? post(urlPathEqualTo(path)) : get(urlPathEqualTo(path));
        github.server().stubFor(match.inScenario(path).whenScenarioStateIs(STARTED).willReturn(first)
                .willSetStateTo("answered"));
        github.server().stubFor(later.inScenario(path).whenScenarioStateIs("answered").willReturn(then));
    }

    // ---- comments --------------------------------------------------------------------------------------------------

    @Test
    void aCommentGitHubMadeBeforeAnswering502IsFoundByItsMarkerAndNotPostedAgain() throws Exception {
        github.server().stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(error(502, "Server Error")));
        github.stubCommentsLookup(REPO, 5);

        long id = gateway.commentOnIssue(REPO, 5, "Grove is on it");

        List<ReceivedRequest> posts = github.requests("POST", COMMENTS);
        assertEquals(1, posts.size(), "one comment, never a second");
        String body = posts.get(0).body().path("body").asText();
        assertTrue(body.startsWith("Grove is on it\n\n<!-- grove:create ") && body.endsWith(" -->"), body);
        assertEquals(880_000, id, "the id of the comment found");
        assertTrue(!github.requests("GET", COMMENTS + "\\?since=.*").isEmpty(), "looked up before sending again");
        assertCleanTraffic();
    }

    @Test
    void aCommentThatDidNotLandOn502IsPostedAgainWithTheSameMarker() throws Exception {
        failThenAnswer("POST", COMMENTS, error(502, "Server Error"), json(201, comment(31)));
        github.stubJson("GET", COMMENTS, 200, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode());

        assertEquals(31, gateway.commentOnIssue(REPO, 5, "hello"));

        List<ReceivedRequest> posts = github.requests("POST", COMMENTS);
        assertEquals(2, posts.size());
        assertEquals(posts.get(0).body(), posts.get(1).body(), "the retry is the same request, marker and all");
        assertTrue(!github.requests("GET", COMMENTS + "\\?since=.*").isEmpty(), "looked, found nothing, sent again");
        assertCleanTraffic();
    }

    @Test
    void aCommentPostWhoseAnswerComesAfterTheReadTimeoutIsFoundNotRepeated() throws Exception {
        // GitHub makes the comment but answers only after Grove stopped waiting (hub4j used to send it twice more)
        github.server().stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(json(201, comment(41)).withFixedDelay(3000)));
        github.stubCommentsLookup(REPO, 5);

        long id = gateway.commentOnIssue(REPO, 5, "slow GitHub");

        assertEquals(1, github.requests("POST", COMMENTS).size(), "the timed-out POST is not sent again");
        assertTrue(!github.requests("GET", COMMENTS + "\\?since=.*").isEmpty(),
                "Grove stopped waiting at its read timeout and looked for the comment");
        assertEquals(41, id, "the comment GitHub made");
        assertCleanTraffic();
    }

    @Test
    void aDroppedConnectionOnAPostIsTreatedAsMaybeMade() throws Exception {
        github.server().stubFor(post(urlPathEqualTo(COMMENTS))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        github.stubCommentsLookup(REPO, 5);

        assertEquals(880_000, gateway.commentOnIssue(REPO, 5, "reset"));
        assertEquals(1, github.requests("POST", COMMENTS).size());
        assertCleanTraffic();
    }

    @Test
    void a403WithRetryAfterIsWaitedOutAndThePostSentAgainWithoutALookup() throws Exception {
        failThenAnswer("POST", COMMENTS, error(403, "You have exceeded a secondary rate limit").withHeader("Retry-After", "1"),
                json(201, comment(51)));

        long started = System.nanoTime();
        assertEquals(51, gateway.commentOnIssue(REPO, 5, "rate limited"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, "waited what Retry-After said: " + took);
        assertEquals(2, github.requests("POST", COMMENTS).size(), "a rate-limited POST was not made; sent again");
        assertEquals(0, github.requests("GET", COMMENTS + ".*").size(), "nothing to look for after a rate limit");
        assertCleanTraffic(); // strict: a look-up would have been an unmatched request
    }

    @Test
    void aWaitLongerThanTheMostGroveAcceptsFailsAtOnceSayingWhy() {
        github.server().stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(error(429, "Too many requests")
                .withHeader("Retry-After", "3600")));

        long started = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> gateway.commentOnIssue(REPO, 5, "x"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        GitHubFaultException fault = GitHubFaultException.in(e).orElseThrow();
        assertEquals(GitHubFaultException.Kind.RATE_LIMITED, fault.kind());
        assertEquals(Duration.ofHours(1), fault.waitRequested().orElseThrow());
        assertTrue(fault.getMessage().contains("3600 s"), fault.getMessage());
        assertEquals(1, github.requests("POST", COMMENTS).size());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "did not sleep for an hour: " + took);
    }

    // ---- pull requests and check runs --------------------------------------------------------------------------

    @Test
    void aPullRequestOpenedBeforeA502IsFoundByItsHeadBranch() throws Exception {
        github.server().stubFor(post(urlPathEqualTo(PULLS)).willReturn(error(502, "Server Error")));
        PullRequestRef existing = new PullRequestRef(12, "https://github.com/octo-org/widgets/pull/12");
        github.stubListPulls(REPO, existing);

        PullRequestRef pr = gateway.openPullRequest(REPO, new PullRequestDraft("Add it", "grove/5-add-it", "main",
                "Closes #5", false));

        assertEquals(existing, pr);
        assertEquals(1, github.requests("POST", PULLS).size(), "one pull request");
        ReceivedRequest lookup = github.requests("GET", PULLS + "\\?.*").get(0);
        assertTrue(lookup.url().contains("state=open") && lookup.url().contains("head=octo-org%3Agrove%2F5-add-it"),
                lookup.url());
        assertCleanTraffic();
    }

    @Test
    void aPullRequestPostThatTimedOutIsOpenedOnceWhenTheLookupFindsNone() throws Exception {
        PullRequestRef created = new PullRequestRef(13, "https://github.com/octo-org/widgets/pull/13");
        JsonNode answer = github.example("post_repos_owner_repo_pulls.json", 201);
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer).put("number", 13).put("html_url", created.htmlUrl());
        failThenAnswer("POST", PULLS, aResponse().withFault(Fault.EMPTY_RESPONSE), json(201, answer));
        github.stubListPulls(REPO); // none: the first POST was not acted on

        assertEquals(created, gateway.openPullRequest(REPO, new PullRequestDraft("Add it", "grove/5-add-it", "main",
                "Closes #5", false)));
        assertEquals(2, github.requests("POST", PULLS).size());
        assertCleanTraffic();
    }

    @Test
    void aCheckRunCreatedBeforeTheAnswerWasLostIsFoundByExternalIdOnTheHead() throws Exception {
        JsonNode answer = github.example("post_repos_owner_repo_check-runs.json", 201);
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer).put("id", 7001);
        github.server().stubFor(post(urlPathEqualTo(CHECK_RUNS)).willReturn(json(201, answer).withFixedDelay(3000)));
        github.stubCheckRunsLookup(REPO);
        Instant started = Instant.parse("2026-11-27T12:00:00Z");

        long id = gateway.createCheckRun(REPO, new CheckRunRequest("grove / Add it", SHA, "octo-org/widgets#5/add-it",
                "in_progress", null, started, null, "Working", "Working", null, List.of()));

        assertEquals(7001, id);
        assertEquals(1, github.requests("POST", CHECK_RUNS).size(), "one check run");
        ReceivedRequest lookup = github.requests("GET", "/repos/octo-org/widgets/commits/" + SHA + "/check-runs\\?.*").get(0);
        assertTrue(lookup.url().contains("check_name=grove%20%2F%20Add%20it"), lookup.url());
        assertCleanTraffic();
    }

    @Test
    void aCheckRunPostAnswered502IsFoundNotMadeTwiceAndAnotherStartIsNotTakenForIt() throws Exception {
        github.stubCheckRunsLookup(REPO);
        JsonNode answer = github.example("post_repos_owner_repo_check-runs.json", 201);
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer).put("id", 7002);
        failThenAnswer("POST", CHECK_RUNS, error(502, "Server Error"), json(201, answer));
        // an earlier check run of the same task on the same head, from an earlier revise
        CheckRunRef earlier = new CheckRunRef(1, "octo-org/widgets#5/add-it", Instant.parse("2026-11-27T10:00:00Z"));
        CheckRunRequest now = new CheckRunRequest("grove / Add it", SHA, "octo-org/widgets#5/add-it", "in_progress",
                null, Instant.parse("2026-11-27T12:00:00Z"), null, "Working", "Working", null, List.of());
        assertTrue(!RetryingGitHubGateway.sameCheckRun(earlier, now, Instant.EPOCH));

        // the 502 POST was acted on: the look-up finds it (started when asked) and no second one is made
        assertEquals(880_000, gateway.createCheckRun(REPO, now));
        assertEquals(1, github.requests("POST", CHECK_RUNS).size());
        assertCleanTraffic();
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    @Test
    void aReadIsRetriedAfter502AndAfterAnExhaustedRateLimitUntilItsReset() throws Exception {
        String permission = "/repos/octo-org/widgets/collaborators/mona/permission";
        JsonNode ok = github.example("get_repos_owner_repo_collaborators_username_permission.json", 200);
        ((com.fasterxml.jackson.databind.node.ObjectNode) ok).put("role_name", "maintain");
        long reset = Instant.now().getEpochSecond() + 2;
        github.server().stubFor(get(urlPathEqualTo(permission)).inScenario("p").whenScenarioStateIs(STARTED)
                .willReturn(error(502, "Server Error")).willSetStateTo("limited"));
        github.server().stubFor(get(urlPathEqualTo(permission)).inScenario("p").whenScenarioStateIs("limited")
                .willReturn(error(403, "API rate limit exceeded").withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", String.valueOf(reset))).willSetStateTo("ok"));
        github.server().stubFor(get(urlPathEqualTo(permission)).inScenario("p").whenScenarioStateIs("ok")
                .willReturn(json(200, ok)));

        assertEquals("maintain", gateway.roleOf(REPO, "mona"));
        assertEquals(3, github.requests("GET", permission).size());
        assertTrue(Instant.now().getEpochSecond() >= reset - 1, "waited for the reset");
        assertCleanTraffic();
    }

    @Test
    void aFaultThatOutlastsTheRetriesIsThrownAfterRetriesPlusOneAttempts() {
        github.stubError("GET", "/repos/octo-org/widgets/contents/.github/grove.yml", 503, "Service Unavailable");

        IOException e = assertThrows(IOException.class, () -> gateway.readFile(REPO, ".github/grove.yml", "main"));

        assertEquals(GitHubFaultException.Kind.SERVER_ERROR, GitHubFaultException.in(e).orElseThrow().kind());
        assertEquals(FAST.retries() + 1, github.requests("GET", "/repos/octo-org/widgets/contents/.*").size());
    }

    @Test
    void notFoundIsAnAnswerNotAFault() throws Exception {
        github.stubFileNotFound(REPO, ".github/grove.yml");
        assertTrue(gateway.readFile(REPO, ".github/grove.yml", "main").isEmpty());
        assertEquals(1, github.requests("GET", "/repos/octo-org/widgets/contents/.*").size());
    }
}
