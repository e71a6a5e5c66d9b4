package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.WebhookFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * CI fixes itself: another app's check failing on a Grove pull request's head revises the task with the check's name,
 * output and annotations, at most {@code ci_fix_attempts} times (default 2), each announced on the pull request; then
 * one comment that Grove stopped. Grove's own check runs, redeliveries and a second event for the same head start
 * nothing.
 */
class CiFixFlowIT extends GroveE2E {
    static final String BRANCH = BRANCHES.get(0);
    static final long CI_RUN = 4_242_001L;
    static final long CI_SUITE = 118_578_147L; // the suite id of GitHub's check_run/check_suite examples
    static final long ACTIONS_APP = 29310; // the app of GitHub's github-actions examples: not Grove (12345)
    static final String ANNOTATION = "expected 90.00 but was 100.00 for a 10% discount";
    static final String LOG_LINE = "DiscountTest > tenPercent FAILED: org.opentest4j.AssertionFailedError";

    /** Where the scripted agent copies the prompt file of each revise it is given (a folder the sandbox may write). */
    Path prompts;

    @Test
    void aFailingCheckOfAnotherAppRevisesTwiceThenGroveStopsAndItsOwnChecksAndRedeliveriesDoNothing() throws Exception {
        prompts = Files.createDirectories(tmp.resolve("prompts"));
        Files.setPosixFilePermissions(prompts, PosixFilePermissions.fromString("rwxrwxrwx"));
        String agent = "if [ \"${GROVE_REVISE:-}\" = 1 ]; then f=$(mktemp '" + prompts + "'/revise.XXXXXX);"
                + " cp \"$GROVE_PROMPT_FILE\" \"$f\"; chmod 644 \"$f\"; fi; " + exampleAgent(0);
        github.stubJson("GET", "/repos/octo-org/shop/check-runs/" + CI_RUN + "/annotations", 200, annotations());
        stubJobLog();
        startServer(agent, Map.of("GROVE_SANDBOX_BIND", prompts.toString()));

        comment("/grove run 1");
        String h1 = GitFixtures.originBranchSha(origin, BRANCH);
        int postsBefore = github.all().size();

        // Grove's own check run and check suite failing on the head: never a CI fix
        var own = deliver("check_run", groveOwnCheckRun(h1));
        assertTrue(own.body().contains("is Grove's own"), own.body());
        ObjectNode ownSuite = checkSuite(h1);
        ((ObjectNode) ownSuite.path("check_suite").path("app")).put("id", Long.parseLong(APP_ID));
        assertTrue(deliver("check_suite", ownSuite).body().contains("is Grove's own"));
        // another app's check that passed: nothing either
        ObjectNode passed = ciCheckRun(h1);
        ((ObjectNode) passed.get("check_run")).put("conclusion", "success");
        assertTrue(deliver("check_run", passed).body().contains("did not fail"));
        assertEquals(postsBefore, github.all().size(), "no call to GitHub for any of them");
        assertEquals(h1, GitFixtures.originBranchSha(origin, BRANCH));

        // 1st failure, a check run of GitHub Actions: one revise, announced, fast-forward on the same branch
        deliver("check_run", ciCheckRun(h1));
        String h2 = GitFixtures.originBranchSha(origin, BRANCH);
        assertEquals(h1, GitFixtures.runGit(origin, "rev-parse", h2 + "^"), "a new commit on top of the PR's head");
        assertEquals("2", GitFixtures.runGit(origin, "rev-list", "--count", "main.." + BRANCH));
        assertTrue(GitFixtures.runGit(origin, "log", "-1", "--format=%B", BRANCH)
                .contains("Make the failing CI check `test` pass"), "the revise's commit says why");
        List<String> replies = commentsOn(101);
        assertEquals(2, replies.size(), replies.toString());
        assertTrue(replies.get(0).startsWith("CI check `test` failed; Grove is revising (attempt 1 of 2)"), replies.get(0));
        assertTrue(replies.get(1).startsWith("Pushed " + h2.substring(0, 7)), replies.get(1));
        String prompt = onlyNewPrompt(Set.of());
        assertTrue(prompt.contains("`test`") && prompt.contains(ANNOTATION) && prompt.contains("src/cart/Cart.java:14"),
                prompt);
        assertTrue(prompt.contains("3 tests, 1 failure") && prompt.contains("DiscountTest > tenPercent FAILED"),
                "the check's summary and output: " + prompt);
        assertTrue(prompt.contains("The end of its log:\n```\nnoise\nearly noise\n")
                && prompt.contains("early noise\n##[group]Run ./gradlew test\n" + LOG_LINE
                + "\n##[error]Process completed with exit code 1.\n```") && !prompt.contains("2026-01-02T03:04:"),
                "the end (8,000 characters) of the Actions job's log, without time stamps: " + prompt);
        var download = github.requests("GET", "/job-logs/" + CI_RUN);
        assertEquals(1, download.size());
        assertEquals(null, download.get(0).header("Authorization"), "Grove's token is not sent to the download URL");
        assertEquals(1, github.requests("GET", "/repos/octo-org/shop/check-runs/" + CI_RUN
                + "/annotations\\?per_page=50").size());
        assertTrue(github.requests("POST", "/repos/octo-org/shop/check-runs").stream()
                .anyMatch(r -> r.body().path("head_sha").asText().equals(h2)), "the revision has its own check run");

        // the same failure again: redelivered with the same id, sent again with a new id, and the suite's own event
        Set<Path> seen = promptFiles();
        int before = github.all().size();
        ObjectNode again = ciCheckRun(h1);
        URI base = URI.create("http://localhost:" + server.port());
        assertEquals(200, WebhookFixtures.deliver(base, "check_run", "delivery-" + deliveries.get(),
                WebhookFixtures.bytes(WebhookFixtures.fresh(again, deliveries.get())), SECRET).statusCode(),
                "a delivery id seen before is answered 200 and not queued");
        deliver("check_run", ciCheckRun(h1));
        github.stubJson("GET", "/repos/octo-org/shop/check-suites/" + CI_SUITE + "/check-runs", 200, suiteRuns(h1));
        deliver("check_suite", checkSuite(h1));
        assertTrue(server.awaitIdle(java.time.Duration.ofSeconds(90)));
        assertEquals(h2, GitFixtures.originBranchSha(origin, BRANCH), "nothing pushed");
        assertEquals(2, commentsOn(101).size(), "nothing said: " + commentsOn(101));
        assertEquals(seen, promptFiles(), "no agent ran");
        assertTrue(github.all().subList(before, github.all().size()).stream().allMatch(r -> r.method().equals("GET")),
                "only reads: " + github.all().subList(before, github.all().size()));

        // 2nd failure, this time a whole check suite on the new head: its failing run of another app is revised
        github.stubJson("GET", "/repos/octo-org/shop/check-suites/" + CI_SUITE + "/check-runs", 200, suiteRuns(h2));
        deliver("check_suite", checkSuite(h2));
        String h3 = GitFixtures.originBranchSha(origin, BRANCH);
        assertEquals(h2, GitFixtures.runGit(origin, "rev-parse", h3 + "^"), "again on top of the head");
        replies = commentsOn(101);
        assertEquals(4, replies.size(), replies.toString());
        assertTrue(replies.get(2).startsWith("CI check `test` failed; Grove is revising (attempt 2 of 2)"), replies.get(2));
        assertTrue(replies.get(3).startsWith("Pushed " + h3.substring(0, 7)), replies.get(3));
        prompt = onlyNewPrompt(seen);
        assertTrue(prompt.contains("`test`") && prompt.contains(ANNOTATION), prompt);
        assertTrue(!prompt.contains("`lint`") && !prompt.contains("grove / Add a discount rule"),
                "only the failing run of another app: " + prompt);

        // 3rd failure: the limit is reached; one comment that Grove stopped, no revise
        seen = promptFiles();
        deliver("check_run", ciCheckRun(h3));
        assertEquals(h3, GitFixtures.originBranchSha(origin, BRANCH), "no third revise");
        replies = commentsOn(101);
        assertEquals(5, replies.size(), replies.toString());
        assertTrue(replies.get(4).startsWith("CI check `test` failed on " + h3.substring(0, 7)
                + "; Grove stopped revising this pull request for CI after 2 attempts (`ci_fix_attempts: 2`)"),
                replies.get(4));
        // and later failures say nothing more
        deliver("check_run", ciCheckRun(h3)); // the same head again, under a new id: the store's claim stops it
        assertEquals(5, commentsOn(101).size());
        assertEquals(seen, promptFiles(), "no agent ran");
        assertEquals(h3, GitFixtures.originBranchSha(origin, BRANCH));
        assertCleanTraffic();
    }

    /**
     * A revise that changes nothing leaves the head where it was: the same failure sent again (a new delivery id, then
     * the suite's own event) finds that head claimed in the store and starts no second attempt.
     */
    @Test
    void aFailureOnAHeadAlreadyActedOnStartsNothingEvenWhenTheHeadDidNotMove() throws Exception {
        prompts = Files.createDirectories(tmp.resolve("prompts"));
        Files.setPosixFilePermissions(prompts, PosixFilePermissions.fromString("rwxrwxrwx"));
        String agent = "if [ \"${GROVE_REVISE:-}\" = 1 ]; then f=$(mktemp '" + prompts + "'/revise.XXXXXX);"
                + " cp \"$GROVE_PROMPT_FILE\" \"$f\"; chmod 644 \"$f\"; exit 0; fi; " + exampleAgent(0);
        github.stubJson("GET", "/repos/octo-org/shop/check-runs/" + CI_RUN + "/annotations", 200, annotations());
        stubJobLog();
        startServer(agent, Map.of("GROVE_SANDBOX_BIND", prompts.toString()));
        comment("/grove run 1");
        String h1 = GitFixtures.originBranchSha(origin, BRANCH);

        deliver("check_run", ciCheckRun(h1));
        List<String> replies = commentsOn(101);
        assertEquals(2, replies.size(), replies.toString());
        assertTrue(replies.get(0).startsWith("CI check `test` failed; Grove is revising (attempt 1 of 2)"), replies.get(0));
        assertTrue(replies.get(1).contains("changed nothing"), replies.get(1));
        assertEquals(h1, GitFixtures.originBranchSha(origin, BRANCH));
        Set<Path> seen = promptFiles();
        assertEquals(1, seen.size());

        deliver("check_run", ciCheckRun(h1));
        github.stubJson("GET", "/repos/octo-org/shop/check-suites/" + CI_SUITE + "/check-runs", 200, suiteRuns(h1));
        deliver("check_suite", checkSuite(h1));
        assertEquals(2, commentsOn(101).size(), "nothing more said: " + commentsOn(101));
        assertEquals(seen, promptFiles(), "no second agent run");
        assertCleanTraffic();
    }

    @Test
    void ciFixAttemptsZeroInTheRepositorysConfigTurnsItOff() throws Exception {
        github.stubFile(REPO, ".github/grove.yml", "ci_fix_attempts: 0\n", "cf00");
        startServer(exampleAgent(0));
        comment("/grove run 1");
        String h1 = GitFixtures.originBranchSha(origin, BRANCH);
        deliver("check_run", ciCheckRun(h1));
        assertEquals(h1, GitFixtures.originBranchSha(origin, BRANCH), "no revise");
        assertEquals(List.of(), commentsOn(101), "nothing said on the pull request");
        assertEquals(List.of(), github.requests("GET", ".*/annotations.*"), "nothing of the check read");
        assertCleanTraffic();
    }

    /**
     * GET /repos/{o}/{r}/actions/jobs/{id}/logs answers 302 with a signed download URL (GitHub's example operation:
     * get_repos_owner_repo_actions_jobs_job_id_logs.json, no body); here the URL is on the stub, and serves a log in
     * Actions' format (each line time-stamped).
     */
    void stubJobLog() {
        github.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/repos/octo-org/shop/actions/jobs/"
                        + CI_RUN + "/logs")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withStatus(302).withHeader("Location", github.baseUrl() + "/job-logs/" + CI_RUN)));
        github.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/job-logs/" + CI_RUN))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/plain")
                        .withBody("2026-01-02T03:04:05.1000000Z " + "early noise\n".repeat(2000)
                                + "2026-01-02T03:04:06.0000000Z ##[group]Run ./gradlew test\n"
                                + "2026-01-02T03:04:07.0000000Z " + LOG_LINE + "\n"
                                + "2026-01-02T03:04:08.0000000Z ##[error]Process completed with exit code 1.\n")));
    }

    // ---- payloads ----------------------------------------------------------------------------------------------

    /**
     * GitHub's {@code check_run.completed.github-actions} example, ADJUSTED: pointed at our repository, named
     * {@code test}, on {@code headSha} of PR #101 (the task branch), with an output and one annotation.
     */
    ObjectNode ciCheckRun(String headSha) {
        ObjectNode p = WebhookFixtures.payload("check_run.completed.github-actions");
        pointAtRepo(p);
        ObjectNode run = (ObjectNode) p.get("check_run");
        run.put("id", CI_RUN);
        run.put("name", "test");
        run.put("head_sha", headSha);
        run.put("conclusion", "failure");
        ObjectNode output = (ObjectNode) run.get("output");
        output.put("title", "1 test failed");
        output.put("summary", "3 tests, 1 failure");
        output.put("text", "> Task :test\nDiscountTest > tenPercent FAILED\n    AssertionError at DiscountTest.java:21");
        output.put("annotations_count", 1);
        pointAtPullRequest((ArrayNode) run.get("pull_requests"), headSha);
        ((ObjectNode) p.get("sender")).put("login", "github-actions[bot]").put("type", "Bot");
        return p;
    }

    /** The same example, ADJUSTED to be Grove's own check run of task 1 (this App's id, Grove's name), failed. */
    ObjectNode groveOwnCheckRun(String headSha) {
        ObjectNode p = ciCheckRun(headSha);
        ObjectNode run = (ObjectNode) p.get("check_run");
        run.put("name", "grove / Add a discount rule");
        run.put("id", CHECK_RUN);
        ((ObjectNode) run.get("app")).put("id", Long.parseLong(APP_ID)).put("slug", "grove");
        return p;
    }

    /**
     * GitHub's {@code check_suite.completed.github-actions} example, ADJUSTED: pointed at our repository, concluded
     * {@code failure} on {@code headSha}, with PR #101 in its {@code pull_requests} (GitHub's example has none).
     */
    ObjectNode checkSuite(String headSha) {
        ObjectNode p = WebhookFixtures.payload("check_suite.completed.github-actions");
        pointAtRepo(p);
        ObjectNode suite = (ObjectNode) p.get("check_suite");
        suite.put("id", CI_SUITE);
        suite.put("head_sha", headSha);
        suite.put("head_branch", BRANCH);
        suite.put("conclusion", "failure");
        ArrayNode prs = WebhookFixtures.payload("check_run.completed.github-actions").path("check_run")
                .withArray("pull_requests").deepCopy();
        suite.set("pull_requests", prs);
        pointAtPullRequest(prs, headSha);
        return p;
    }

    static void pointAtPullRequest(ArrayNode prs, String headSha) {
        ObjectNode pr = (ObjectNode) prs.get(0);
        pr.put("number", 101);
        pr.put("url", "https://api.github.com/repos/octo-org/shop/pulls/101");
        ((ObjectNode) pr.get("head")).put("ref", BRANCH).put("sha", headSha);
        ((ObjectNode) pr.get("base")).put("ref", "main");
    }

    /** GitHub's example annotation (ADJUSTED: its path, line and message are the failing test's). */
    ArrayNode annotations() {
        ArrayNode list = (ArrayNode) github.example("get_repos_owner_repo_check-runs_check_run_id_annotations.json", 200)
                .deepCopy();
        ObjectNode a = (ObjectNode) list.get(0);
        a.put("path", "src/cart/Cart.java");
        a.put("start_line", 14);
        a.put("end_line", 14);
        a.put("annotation_level", "failure");
        a.put("title", "DiscountTest.tenPercent");
        a.put("message", ANNOTATION);
        return list;
    }

    /**
     * GitHub's example list of a suite's check runs, ADJUSTED to three runs on {@code headSha}: {@code test} failed
     * (the one to fix), {@code lint} passed, and a failed run named like Grove's (never fixed).
     */
    ObjectNode suiteRuns(String headSha) {
        ObjectNode body = (ObjectNode) github.example("get_repos_owner_repo_check-suites_check_suite_id_check-runs.json",
                200).deepCopy();
        ObjectNode template = (ObjectNode) body.withArray("check_runs").get(0);
        ArrayNode runs = body.putArray("check_runs");
        String[][] rows = {{"test", "failure"}, {"lint", "success"}, {"grove / Add a discount rule", "failure"}};
        long id = CI_RUN;
        for (String[] row : rows) {
            ObjectNode r = template.deepCopy();
            r.put("id", id++);
            r.put("name", row[0]);
            r.put("head_sha", headSha);
            r.put("status", "completed");
            r.put("conclusion", row[1]);
            ((ObjectNode) r.get("app")).put("id", ACTIONS_APP).put("slug", "github-actions");
            ObjectNode output = (ObjectNode) r.get("output");
            output.put("title", row[0] + ": " + row[1]);
            output.put("summary", "3 tests, 1 failure");
            output.putNull("text");
            output.put("annotations_count", row[0].equals("test") ? 1 : 0);
            runs.add(r);
        }
        body.put("total_count", runs.size());
        return body;
    }

    // ---- looking -----------------------------------------------------------------------------------------------

    Set<Path> promptFiles() {
        try (Stream<Path> files = Files.list(prompts)) {
            return files.collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one prompt the agent copied since {@code seen}. */
    String onlyNewPrompt(Set<Path> seen) throws IOException {
        Set<Path> now = new HashSet<>(promptFiles());
        now.removeAll(seen);
        assertEquals(1, now.size(), "one revise ran: " + now);
        return Files.readString(now.iterator().next());
    }
}
