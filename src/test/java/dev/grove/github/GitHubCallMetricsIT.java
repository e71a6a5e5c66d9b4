package dev.grove.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.metrics.GroveMetrics;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitHubApiStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every GitHub call, through hub4j or sent directly, is timed by route template and status, with the rate limit. */
class GitHubCallMetricsIT {
    static final RepoRef REPO = new RepoRef("octo-org", "widgets");
    final GitHubApiStub github = new GitHubApiStub();

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void countsCallsByRouteTemplateAndStatusWithLatencyAndRateLimitRemaining() throws Exception {
        GroveMetrics metrics = new GroveMetrics();
        GitHubGateway gateway = new Hub4jGitHubGateway(github.baseUrl(), id -> "ghs_metrics", 77,
                GitHubClientSettings.DEFAULTS, java.time.Clock.systemUTC(), metrics);
        ObjectNode comment = (ObjectNode) github.example("post_repos_owner_repo_issues_issue_number_comments.json", 201);
        comment.put("id", 555);
        github.server().stubFor(post(urlPathEqualTo("/repos/octo-org/widgets/issues/12/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withHeader("x-ratelimit-remaining", "4321").withBody(comment.toString())));
        github.stubPermission(REPO, "alice", "write");
        github.stubPermissionNotFound(REPO, "mallory");

        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        github.stubAccessToken(77, "ghs_metrics", java.time.Instant.now().plusSeconds(3600));
        new InstallationTokens(github.baseUrl(), "1", (java.security.interfaces.RSAPrivateKey) gen.generateKeyPair()
                .getPrivate(), java.time.Clock.systemUTC(), java.net.http.HttpClient.newHttpClient())
                .reportingTo(metrics).installationToken(77);
        gateway.commentOnIssue(REPO, 12, "hello");
        gateway.commentOnIssue(REPO, 12, "again");
        gateway.roleOf(REPO, "alice");
        gateway.roleOf(REPO, "mallory");

        String scrape = metrics.scrape();
        assertTrue(scrape.contains("grove_github_requests_seconds_count{method=\"POST\","
                + "route=\"/repos/{owner}/{repo}/issues/{issue_number}/comments\",status=\"201\"} 2"), scrape);
        assertTrue(scrape.contains("grove_github_requests_seconds_count{method=\"GET\","
                + "route=\"/repos/{owner}/{repo}/collaborators/{username}/permission\",status=\"200\"} 1"), scrape);
        assertTrue(scrape.contains("grove_github_requests_seconds_count{method=\"GET\","
                + "route=\"/repos/{owner}/{repo}/collaborators/{username}/permission\",status=\"404\"} 1"), scrape);
        assertTrue(scrape.contains("grove_github_requests_seconds_sum{method=\"POST\""), "latency: " + scrape);
        assertTrue(scrape.contains("grove_github_requests_seconds_count{method=\"POST\","
                + "route=\"/app/installations/{installation_id}/access_tokens\",status=\"201\"} 1"), scrape);
        assertTrue(scrape.contains("grove_github_ratelimit_remaining 4321.0"), scrape);
        assertFalse(scrape.contains("mallory") || scrape.contains("/issues/12"), "no path values as labels: " + scrape);
        github.assertNoUnmatchedRequests();
        github.assertRequestBodiesMatchSchemas();
    }
}
