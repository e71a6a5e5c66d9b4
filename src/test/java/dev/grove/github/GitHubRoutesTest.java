package dev.grove.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitHubRoutesTest {
    @ParameterizedTest
    @CsvSource({
            "/repos/octo/shop/issues/7/comments, /repos/{owner}/{repo}/issues/{issue_number}/comments",
            "/repos/octo/shop/issues/comments/9001, /repos/{owner}/{repo}/issues/comments/{comment_id}",
            "/api/v3/repos/octo/shop/issues/7/comments, /repos/{owner}/{repo}/issues/{issue_number}/comments",
            "/repos/octo/shop/pulls?state=all&head=octo:grove/7-a, /repos/{owner}/{repo}/pulls",
            "/repos/octo/shop/contents/.github/grove.yml?ref=main, /repos/{owner}/{repo}/contents/{path}",
            "/repos/octo/shop/git/refs/heads/grove/7-a, /repos/{owner}/{repo}/git/refs/{ref}",
            "/repos/octo/shop/check-runs/55, /repos/{owner}/{repo}/check-runs/{check_run_id}",
            "/app/installations/42/access_tokens, /app/installations/{installation_id}/access_tokens",
            "/app-manifests/abc123/conversions, /app-manifests/{code}/conversions",
            "/repos/octo/shop, /repos/{owner}/{repo}",
            "/repos/octo/shop/secret-new-route/1, other",
            "/totally/unknown, other",
    })
    void mapsPathsToTheirTemplateAndTheRestToOther(String path, String template) {
        assertEquals(template, GitHubRoutes.template(path));
    }
}
