package dev.grove.github;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The REST routes Grove calls, as GitHub's OpenAPI description names them ({@code /repos/{owner}/{repo}/issues/
 * {issue_number}/comments}). Metrics label calls with these templates, never with the path itself, so the label
 * values form a closed set; a path that matches none is {@code other}.
 */
public final class GitHubRoutes {
    static final List<String> TEMPLATES = List.of(
            "/app",
            "/app/installations/{installation_id}",
            "/app/installations/{installation_id}/access_tokens",
            "/app-manifests/{code}/conversions",
            "/rate_limit",
            "/user",
            "/repos/{owner}/{repo}",
            "/repos/{owner}/{repo}/installation",
            "/repos/{owner}/{repo}/collaborators/{username}/permission",
            "/repos/{owner}/{repo}/issues/{issue_number}",
            "/repos/{owner}/{repo}/issues/{issue_number}/comments",
            "/repos/{owner}/{repo}/issues/comments/{comment_id}",
            "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
            "/repos/{owner}/{repo}/pulls",
            "/repos/{owner}/{repo}/pulls/{pull_number}",
            "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments",
            "/repos/{owner}/{repo}/contents/{path}",
            "/repos/{owner}/{repo}/check-runs",
            "/repos/{owner}/{repo}/check-runs/{check_run_id}",
            "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
            "/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs",
            "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs",
            "/repos/{owner}/{repo}/git/refs/{ref}");
    private static final List<Pattern> PATTERNS = TEMPLATES.stream().map(GitHubRoutes::pattern).toList();

    private GitHubRoutes() {
    }

    /**
     * The template that {@code path} (without the API base and the query; GHES's {@code /api/v3} prefix is dropped)
     * matches, or {@code other}.
     */
    public static String template(String path) {
        if (path == null) return "other";
        String p = path.startsWith("/api/v3/") ? path.substring("/api/v3".length()) : path;
        int q = p.indexOf('?');
        if (q >= 0) p = p.substring(0, q);
        if (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        for (int i = 0; i < PATTERNS.size(); i++) {
            if (PATTERNS.get(i).matcher(p).matches()) return TEMPLATES.get(i);
        }
        return "other";
    }

    private static Pattern pattern(String template) {
        StringBuilder re = new StringBuilder();
        for (String part : template.substring(1).split("/")) {
            re.append('/');
            if (part.equals("{path}") || part.equals("{ref}")) {
                re.append(".+"); // file paths and refs (heads/grove/7-x) contain slashes
            } else if (part.startsWith("{")) {
                re.append("[^/]+");
            } else {
                re.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(re.toString());
    }
}
