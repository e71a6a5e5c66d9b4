package dev.grove.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.model.RepoRef;
import org.kohsuke.github.GHCheckRun;
import org.kohsuke.github.GHCheckRunBuilder;
import org.kohsuke.github.GHContent;
import org.kohsuke.github.GHDirection;
import org.kohsuke.github.GHEventPayload;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHIssueComment;
import org.kohsuke.github.GHIssueState;
import org.kohsuke.github.GHPermissionType;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHPullRequestQueryBuilder;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link GitHubGateway} on hub4j github-api, for one installation. Every request carries
 * {@code Authorization: token <installation token>}, asked of the {@link TokenSource} each time, so expiry and
 * refresh are the token source's business.
 *
 * <p>The HTTP requests each method causes (paths relative to {@code apiBase}; tests stub exactly these):
 * <ul>
 *   <li>{@code permissionOf}: {@code GET /repos/{o}/{r}} (only when the repository is not cached, see below), then
 *       {@code GET /repos/{o}/{r}/collaborators/{user}/permission}. A 404 there means "none".</li>
 *   <li>{@code commentOnIssue}: {@code POST /repos/{o}/{r}/issues/{n}/comments} with {@code {"body": ...}}, nothing
 *       else.</li>
 *   <li>{@code editIssueComment}: {@code PATCH /repos/{o}/{r}/issues/comments/{id}} with {@code {"body": ...}},
 *       nothing else.</li>
 *   <li>{@code findPullRequest}: {@code GET /repos/{o}/{r}} (if not cached), then
 *       {@code GET /repos/{o}/{r}/pulls?state=all&head={o}:{branch}&sort=created&direction=desc} (more pages only if
 *       GitHub links them).</li>
 *   <li>{@code openPullRequest}: {@code GET /repos/{o}/{r}} (if not cached), then {@code POST /repos/{o}/{r}/pulls}
 *       with {@code title, head, base, body, maintainer_can_modify: true, draft}.</li>
 *   <li>{@code roleOf}: {@code GET /repos/{o}/{r}/collaborators/{user}/permission}, read directly ({@code role_name},
 *       which hub4j does not expose). A 404 means "none".</li>
 *   <li>{@code readFile}: {@code GET /repos/{o}/{r}} (if not cached), then
 *       {@code GET /repos/{o}/{r}/contents/{path}?ref={ref}}. A 404 means no such file.</li>
 *   <li>{@code createCheckRun}: {@code GET /repos/{o}/{r}} (if not cached), then {@code POST /repos/{o}/{r}/check-runs};
 *       {@code updateCheckRun}: {@code PATCH /repos/{o}/{r}/check-runs/{id}}.</li>
 *   <li>{@code deleteBranch}: {@code DELETE /repos/{o}/{r}/git/refs/heads/{branch}} directly (hub4j would GET the
 *       ref first). A 404 or 422 (already gone) is not an error.</li>
 *   <li>{@code retargetPullRequest}: {@code PATCH /repos/{o}/{r}/pulls/{n}} with {@code {"base": ...}}, directly.</li>
 *   <li>{@code reviewComments}: {@code GET /repos/{o}/{r}/pulls/{n}/reviews/{id}/comments?per_page=100} directly.</li>
 *   <li>{@code replyToReviewComment}: {@code POST /repos/{o}/{r}/pulls/{n}/comments/{id}/replies} with
 *       {@code {"body": ...}}, directly.</li>
 *   <li>{@code react}: {@code POST /repos/{o}/{r}/issues/comments/{id}/reactions}, or
 *       {@code /issues/{n}/reactions} for the issue itself, with {@code {"content": ...}}, directly.</li>
 *   <li>{@code issueBody}: {@code GET /repos/{o}/{r}/issues/{n}}; {@code editIssueBody}: {@code PATCH} it with
 *       {@code {"body": ...}}; {@code closeIssue}: {@code PATCH} it with {@code {"state": "closed",
 *       "state_reason": "completed"}}; all directly.</li>
 *   <li>{@code checkSuiteRuns}: {@code GET /repos/{o}/{r}/check-suites/{id}/check-runs?filter=latest&per_page=100};
 *       {@code checkRunAnnotations}: {@code GET /repos/{o}/{r}/check-runs/{id}/annotations?per_page=50}; directly.</li>
 *   <li>{@code actionsJobLogTail}: {@code GET /repos/{o}/{r}/actions/jobs/{id}/logs}, directly; its {@code 302}'s
 *       {@code Location} (a signed, short-lived URL) is fetched without Grove's token, and only the end of it is kept.</li>
 *   <li>{@code issueThread} (the conversation in an agent's prompt):
 *       {@code GET /repos/{o}/{r}/issues/{n}/comments?per_page=100&page=N}, directly.</li>
 *   <li>the look-ups {@link RetryingGitHubGateway} makes before sending a create again, directly:
 *       {@code issueComments}: {@code GET /repos/{o}/{r}/issues/{n}/comments?since=...&per_page=100&page=N};
 *       {@code reviewCommentsSince}: {@code GET /repos/{o}/{r}/pulls/{n}/comments?since=...&per_page=100&page=N};
 *       {@code findOpenPullRequest}: {@code GET /repos/{o}/{r}/pulls?state=open&head={o}:{branch}&per_page=100};
 *       {@code checkRuns}: {@code GET /repos/{o}/{r}/commits/{sha}/check-runs?check_name=...&filter=all&per_page=100}.</li>
 * </ul>
 *
 * <p>Faults (5xx, rate limits, no answer within {@link GitHubClientSettings#timeout()}) are thrown as
 * {@link GitHubFaultException}, here and through hub4j (whose transport is {@link FaultAwareConnector}); nothing
 * here retries.
 *
 * <p>Repository objects come from {@code GET /repos/{o}/{r}} and are kept for {@link #REPOSITORY_TTL}: they only
 * serve to build URLs, so a slightly stale one is harmless. Comments are different: hub4j has no way to reach an
 * issue or comment by number without first GETting it ({@code getIssue(n).comment(...)} costs {@code GET
 * /repos/{o}/{r}} and {@code GET /issues/{n}} before the POST; there is no {@code getIssueComment(id)} at all). So
 * the issue and comment are bound locally with hub4j's own {@link GitHub#parseEventPayload} from a minimal
 * {@code issue_comment} payload holding only the owner, repository name, issue number and comment id, and hub4j
 * then makes the single POST or PATCH. No hub4j type leaves this class.
 */
public final class Hub4jGitHubGateway implements GitHubGateway {

    static final Duration REPOSITORY_TTL = Duration.ofMinutes(5);
    /** Pages of 100 comments read when looking for a comment Grove may have made. */
    static final int LOOKUP_PAGES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record CachedRepository(GHRepository repository, long fetchedAtNanos) {
    }

    private final GitHub github;
    private final Map<RepoRef, CachedRepository> repositories = new ConcurrentHashMap<>();
    private final String apiBase;
    private final TokenSource tokens;
    private final long installationId;
    private final GitHubClientSettings settings;
    private final Clock clock;
    private final HttpClient http;
    private final GitHubCallListener calls;

    public Hub4jGitHubGateway(String apiBase, TokenSource tokens, long installationId) {
        this(apiBase, tokens, installationId, GitHubClientSettings.DEFAULTS, Clock.systemUTC(), GitHubCallListener.NONE);
    }

    /**
     * hub4j is given Grove's own transport ({@link FaultAwareConnector}: a timeout on every request, faults thrown,
     * never retried inside hub4j) and told to fail on rate limits instead of sleeping until they reset; the retrying
     * is {@link RetryingGitHubGateway}'s. Every call this gateway makes, through hub4j or directly, is reported to
     * {@code calls}.
     */
    public Hub4jGitHubGateway(String apiBase, TokenSource tokens, long installationId, GitHubClientSettings settings,
            Clock clock, GitHubCallListener calls) {
        Objects.requireNonNull(apiBase, "apiBase");
        this.calls = Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(tokens, "tokens");
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.tokens = tokens;
        this.installationId = installationId;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            this.github = new GitHubBuilder()
                    .withEndpoint(this.apiBase)
                    .withAuthorizationProvider(() -> "token " + tokens.installationToken(installationId))
                    .withConnector(new MeteredConnector(new FaultAwareConnector(http, settings.timeout(), clock),
                            this.apiBase, calls))
                    .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
                    .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the GitHub client for " + apiBase + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String permissionOf(RepoRef repo, String user) throws IOException {
        GHPermissionType permission;
        try {
            permission = repository(repo).getPermission(user);
        } catch (GHFileNotFoundException e) {
            return "none";
        }
        if (permission == null) {
            return "none";
        }
        return switch (permission) {
            case ADMIN -> "admin";
            case WRITE -> "write";
            case READ -> "read";
            default -> "none"; // NONE, and UNKNOWN for a value hub4j does not know: grant nothing
        };
    }

    @Override
    public long commentOnIssue(RepoRef repo, int issueNumber, String body) throws IOException {
        GHEventPayload.IssueComment bound = bind(repo, issueNumber, 0);
        return bound.getIssue().comment(body).getId();
    }

    @Override
    public void editIssueComment(RepoRef repo, long commentId, String body) throws IOException {
        // The comment's issue number is not part of its API path; 0 stands in and is never sent.
        GHIssueComment comment = bind(repo, 0, commentId).getComment();
        comment.update(body);
    }

    @Override
    public Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) throws IOException {
        GHPullRequestQueryBuilder query = repository(repo).queryPullRequests()
                .state(GHIssueState.ALL)
                .head(repo.owner() + ":" + headBranch)
                .sort(GHPullRequestQueryBuilder.Sort.CREATED)
                .direction(GHDirection.DESC);
        GHPullRequest newest = null;
        for (GHPullRequest pr : query.list()) {
            if (pr.getState() == GHIssueState.OPEN) {
                return Optional.of(ref(pr));
            }
            if (newest == null) {
                newest = pr;
            }
        }
        return Optional.ofNullable(newest).map(Hub4jGitHubGateway::ref);
    }

    @Override
    public PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) throws IOException {
        GHPullRequest pr = repository(repo).createPullRequest(
                draft.title(), draft.head(), draft.base(), draft.body(), true, draft.draft());
        return ref(pr);
    }

    @Override
    public String roleOf(RepoRef repo, String user) throws IOException {
        HttpResponse<String> r = send("GET", "/repos/" + repo.fullName() + "/collaborators/" + encode(user)
                + "/permission");
        if (r.statusCode() == 404) {
            return "none";
        }
        JsonNode body = checked(r, "read the permission of " + user + " on " + repo);
        String role = body.path("role_name").asText("");
        if (List.of("admin", "maintain", "write", "triage", "read").contains(role)) {
            return role;
        }
        String permission = body.path("permission").asText("none");
        return List.of("admin", "write", "read").contains(permission) ? permission : "none";
    }

    @Override
    public Optional<RepoFile> readFile(RepoRef repo, String path, String ref) throws IOException {
        GHContent content;
        try {
            content = repository(repo).getFileContent(path, ref);
        } catch (GHFileNotFoundException e) {
            return Optional.empty();
        }
        if (content == null || !content.isFile()) {
            return Optional.empty();
        }
        try (var in = content.read()) {
            return Optional.of(new RepoFile(path, content.getSha(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @Override
    public long createCheckRun(RepoRef repo, CheckRunRequest run) throws IOException {
        GHCheckRunBuilder b = repository(repo).createCheckRun(run.name(), run.headSha());
        return fill(b, run).create().getId();
    }

    @Override
    public void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) throws IOException {
        fill(repository(repo).updateCheckRun(checkRunId), run).create();
    }

    private static GHCheckRunBuilder fill(GHCheckRunBuilder b, CheckRunRequest run) {
        if (run.externalId() != null) b.withExternalID(run.externalId());
        if (run.status() != null) b.withStatus(GHCheckRun.Status.valueOf(run.status().toUpperCase(java.util.Locale.ROOT)));
        if (run.conclusion() != null) {
            b.withConclusion(GHCheckRun.Conclusion.valueOf(run.conclusion().toUpperCase(java.util.Locale.ROOT)));
        }
        if (run.startedAt() != null) b.withStartedAt(Date.from(run.startedAt()));
        if (run.completedAt() != null) b.withCompletedAt(Date.from(run.completedAt()));
        if (run.title() != null && run.summary() != null) {
            GHCheckRunBuilder.Output out = new GHCheckRunBuilder.Output(run.title(), run.summary());
            if (run.text() != null) out.withText(run.text());
            b.add(out);
        }
        for (CheckAction a : run.actions()) {
            b.add(new GHCheckRunBuilder.Action(a.label(), a.description(), a.identifier()));
        }
        return b;
    }

    @Override
    public void deleteBranch(RepoRef repo, String branch) throws IOException {
        HttpResponse<String> r = send("DELETE", "/repos/" + repo.fullName() + "/git/refs/heads/" + branch);
        if (r.statusCode() == 404 || r.statusCode() == 422) {
            return; // already gone
        }
        if (r.statusCode() != 204 && r.statusCode() != 200) {
            checked(r, "delete branch " + branch + " of " + repo);
        }
    }

    @Override
    public List<ReviewComment> reviewComments(RepoRef repo, int pullNumber, long reviewId) throws IOException {
        JsonNode body = checked(send("GET", "/repos/" + repo.fullName() + "/pulls/" + pullNumber + "/reviews/"
                + reviewId + "/comments?per_page=100"), "read the comments of review " + reviewId);
        List<ReviewComment> out = new ArrayList<>();
        for (JsonNode c : body) {
            JsonNode line = c.hasNonNull("line") ? c.get("line") : c.path("original_line");
            out.add(new ReviewComment(c.path("id").asLong(), c.path("path").asText(),
                    line.canConvertToInt() ? line.asInt() : null, c.path("body").asText(""),
                    c.hasNonNull("diff_hunk") ? c.get("diff_hunk").asText() : null));
        }
        return out;
    }

    @Override
    public List<CheckRunDetails> checkSuiteRuns(RepoRef repo, long checkSuiteId) throws IOException {
        JsonNode body = checked(send("GET", "/repos/" + repo.fullName() + "/check-suites/" + checkSuiteId
                + "/check-runs?filter=latest&per_page=100"), "list the check runs of check suite " + checkSuiteId);
        List<CheckRunDetails> out = new ArrayList<>();
        for (JsonNode run : body.path("check_runs")) {
            JsonNode output = run.path("output");
            out.add(new CheckRunDetails(run.path("id").asLong(), run.path("name").asText(""),
                    run.path("app").path("id").asLong(0), run.path("app").path("slug").asText(""),
                    run.path("head_sha").asText(""), run.path("status").asText(""), textOrNull(run.path("conclusion")),
                    textOrNull(output.path("title")), textOrNull(output.path("summary")),
                    textOrNull(output.path("text")), output.path("annotations_count").asInt(0)));
        }
        return out;
    }

    @Override
    public List<CheckAnnotation> checkRunAnnotations(RepoRef repo, long checkRunId) throws IOException {
        JsonNode body = checked(send("GET", "/repos/" + repo.fullName() + "/check-runs/" + checkRunId
                + "/annotations?per_page=50"), "list the annotations of check run " + checkRunId);
        List<CheckAnnotation> out = new ArrayList<>();
        for (JsonNode a : body) {
            out.add(new CheckAnnotation(a.path("path").asText(""), a.path("start_line").asInt(0),
                    a.path("end_line").asInt(0), a.path("annotation_level").asText(""), textOrNull(a.path("title")),
                    textOrNull(a.path("message")), textOrNull(a.path("raw_details"))));
        }
        return out;
    }

    /** The most of a job log read before giving up on its start (its end is what explains a failure). */
    static final long MAX_LOG_BYTES = 20L << 20;

    @Override
    public Optional<String> actionsJobLogTail(RepoRef repo, long jobId, int maxChars) throws IOException {
        HttpResponse<String> r = send("GET", "/repos/" + repo.fullName() + "/actions/jobs/" + jobId + "/logs");
        if (r.statusCode() == 403 || r.statusCode() == 404 || r.statusCode() == 410) {
            return Optional.empty(); // not an Actions job, logs gone, or no `actions: read`
        }
        String location = r.headers().firstValue("Location").orElse(null);
        if (r.statusCode() != 302 || location == null) {
            checked(r, "find the log of job " + jobId);
            return Optional.empty();
        }
        URI download = URI.create(apiBase).resolve(location);
        if (!download.getScheme().equals("https") && !download.getScheme().equals("http")) {
            return Optional.empty();
        }
        // no Authorization header: the URL is signed, and it is not GitHub's API host
        HttpRequest req = HttpRequest.newBuilder(download).timeout(settings.timeout()).GET().build();
        HttpResponse<java.io.InputStream> body;
        try {
            body = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: the log of job " + jobId);
        }
        try (java.io.InputStream in = body.body()) {
            if (body.statusCode() / 100 != 2) {
                return Optional.empty();
            }
            int keep = Math.max(1, maxChars) * 4; // bytes: enough for maxChars of UTF-8
            byte[] ring = new byte[keep];
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            for (int n; total < MAX_LOG_BYTES && (n = in.read(buf)) > 0; total += n) {
                for (int i = 0; i < n; i++) ring[(int) ((total + i) % keep)] = buf[i];
            }
            int len = (int) Math.min(total, keep);
            byte[] tail = new byte[len];
            for (int i = 0; i < len; i++) tail[i] = ring[(int) ((total - len + i) % keep)];
            String text = new String(tail, StandardCharsets.UTF_8);
            return Optional.of(text.length() > maxChars ? text.substring(text.length() - maxChars) : text);
        }
    }

    private static String textOrNull(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    @Override
    public List<IssueCommentRef> issueComments(RepoRef repo, int issueNumber, Instant since) throws IOException {
        return pages("/repos/" + repo.fullName() + "/issues/" + issueNumber + "/comments?since="
                + encode(since.toString()), LOOKUP_PAGES, "list the comments of #" + issueNumber,
                c -> new IssueCommentRef(c.path("id").asLong(), c.path("body").asText("")));
    }

    @Override
    public List<IssueComment> issueThread(RepoRef repo, int issueNumber) throws IOException {
        return pages("/repos/" + repo.fullName() + "/issues/" + issueNumber + "/comments?", THREAD_LIMIT / 100,
                "list the comments of #" + issueNumber,
                c -> new IssueComment(c.path("id").asLong(), c.path("user").path("login").asText(""),
                        c.path("user").path("type").asText(""), c.path("author_association").asText("NONE"),
                        c.path("body").asText("")));
    }

    /**
     * A list GitHub pages 100 at a time: {@code pathAndQuery} (ending in {@code ?} or a query) gets
     * {@code per_page=100&page=N}, for at most {@code maxPages} pages, until a page holds fewer than 100.
     */
    private <T> List<T> pages(String pathAndQuery, int maxPages, String what, java.util.function.Function<JsonNode, T> item)
            throws IOException {
        String sep = pathAndQuery.endsWith("?") ? "" : "&";
        List<T> out = new ArrayList<>();
        for (int page = 1; page <= maxPages; page++) {
            JsonNode list = checked(send("GET", pathAndQuery + sep + "per_page=100&page=" + page), what);
            for (JsonNode c : list) {
                out.add(item.apply(c));
            }
            if (list.size() < 100) {
                break;
            }
        }
        return out;
    }

    @Override
    public long replyToReviewComment(RepoRef repo, int pullNumber, long commentId, String body) throws IOException {
        return checked(send("POST", "/repos/" + repo.fullName() + "/pulls/" + pullNumber + "/comments/" + commentId
                + "/replies", JSON.createObjectNode().put("body", body)), "reply to review comment " + commentId)
                .path("id").asLong();
    }

    @Override
    public List<IssueCommentRef> reviewCommentsSince(RepoRef repo, int pullNumber, Instant since) throws IOException {
        return pages("/repos/" + repo.fullName() + "/pulls/" + pullNumber + "/comments?since="
                + encode(since.toString()), LOOKUP_PAGES, "list the review comments of #" + pullNumber,
                c -> new IssueCommentRef(c.path("id").asLong(), c.path("body").asText("")));
    }

    @Override
    public Optional<PullRequestRef> findOpenPullRequest(RepoRef repo, String headBranch) throws IOException {
        JsonNode list = checked(send("GET", "/repos/" + repo.fullName() + "/pulls?state=open&head="
                + encode(repo.owner() + ":" + headBranch) + "&per_page=100"), "look for the pull request of " + headBranch);
        for (JsonNode pr : list) {
            if ("open".equals(pr.path("state").asText())) {
                return Optional.of(new PullRequestRef(pr.path("number").asInt(), pr.path("html_url").asText()));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CheckRunRef> checkRuns(RepoRef repo, String headSha, String name) throws IOException {
        JsonNode body = checked(send("GET", "/repos/" + repo.fullName() + "/commits/" + encode(headSha)
                + "/check-runs?check_name=" + encode(name) + "&filter=all&per_page=100"),
                "list the check runs of " + headSha);
        List<CheckRunRef> out = new ArrayList<>();
        for (JsonNode run : body.path("check_runs")) {
            Instant started = null;
            try {
                started = run.hasNonNull("started_at") ? Instant.parse(run.get("started_at").asText()) : null;
            } catch (DateTimeParseException ignored) {
                // no start time to compare
            }
            out.add(new CheckRunRef(run.path("id").asLong(),
                    run.hasNonNull("external_id") ? run.get("external_id").asText() : null, started,
                    run.hasNonNull("status") ? run.get("status").asText() : null));
        }
        out.sort(java.util.Comparator.comparingLong(CheckRunRef::id).reversed());
        return out;
    }

    @Override
    public void react(RepoRef repo, int issueNumber, long commentId, String content) throws IOException {
        String path = "/repos/" + repo.fullName() + "/issues/" + (commentId == 0 ? String.valueOf(issueNumber)
                : "comments/" + commentId) + "/reactions";
        checked(send("POST", path, JSON.createObjectNode().put("content", content)), "react to " + path);
    }

    @Override
    public void retargetPullRequest(RepoRef repo, int pullNumber, String base) throws IOException {
        checked(send("PATCH", "/repos/" + repo.fullName() + "/pulls/" + pullNumber,
                JSON.createObjectNode().put("base", base)), "retarget pull request #" + pullNumber + " to " + base);
    }

    @Override
    public String issueBody(RepoRef repo, int issueNumber) throws IOException {
        return checked(send("GET", "/repos/" + repo.fullName() + "/issues/" + issueNumber),
                "read issue #" + issueNumber).path("body").asText("");
    }

    @Override
    public void editIssueBody(RepoRef repo, int issueNumber, String body) throws IOException {
        ObjectNode patch = JSON.createObjectNode().put("body", body);
        checked(send("PATCH", "/repos/" + repo.fullName() + "/issues/" + issueNumber, patch),
                "edit the body of issue #" + issueNumber);
    }

    @Override
    public void closeIssue(RepoRef repo, int issueNumber) throws IOException {
        ObjectNode patch = JSON.createObjectNode().put("state", "closed").put("state_reason", "completed");
        checked(send("PATCH", "/repos/" + repo.fullName() + "/issues/" + issueNumber, patch),
                "close issue #" + issueNumber);
    }

    private HttpResponse<String> send(String method, String path) throws IOException {
        return send(method, path, null);
    }

    private HttpResponse<String> send(String method, String path, JsonNode json) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(apiBase + path))
                .timeout(settings.timeout())
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("Authorization", "token " + tokens.installationToken(installationId))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json.toString()))
                .build();
        String where = URI.create(apiBase + path).getPath();
        HttpResponse<String> r;
        long start = System.nanoTime();
        int status = 0;
        Long remaining = null;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            remaining = MeteredConnector.rateRemaining(r.headers().firstValue("x-ratelimit-remaining").orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + method + " " + path);
        } catch (IOException e) {
            throw GitHubFaultException.ofNoAnswer(method, where, e);
        } finally {
            calls.githubCall(method, GitHubRoutes.template(path), status,
                    Duration.ofNanos(System.nanoTime() - start), remaining);
        }
        GitHubFaultException fault = GitHubFaultException.ofAnswer(method, where, r.statusCode(),
                name -> r.headers().firstValue(name).orElse(null), r.body(), clock);
        if (fault != null) {
            throw fault;
        }
        return r;
    }

    private static JsonNode checked(HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() / 100 != 2) {
            String message;
            try {
                message = JSON.readTree(r.body()).path("message").asText(r.body());
            } catch (IOException e) {
                message = r.body();
            }
            throw new IOException("GitHub refused to " + what + ": " + r.statusCode() + " " + message);
        }
        return JSON.readTree(r.body());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static PullRequestRef ref(GHPullRequest pr) {
        return new PullRequestRef(pr.getNumber(), String.valueOf(pr.getHtmlUrl()));
    }

    private GHRepository repository(RepoRef repo) throws IOException {
        long now = System.nanoTime();
        CachedRepository cached = repositories.get(repo);
        if (cached != null && now - cached.fetchedAtNanos() < REPOSITORY_TTL.toNanos()) {
            return cached.repository();
        }
        GHRepository fetched = github.getRepository(repo.fullName());
        repositories.put(repo, new CachedRepository(fetched, now));
        return fetched;
    }

    /** An issue and comment bound to this client without any request; see the class comment. */
    private GHEventPayload.IssueComment bind(RepoRef repo, int issueNumber, long commentId) throws IOException {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("action", "created");
        ObjectNode repository = payload.putObject("repository");
        repository.put("name", repo.name());
        repository.put("full_name", repo.fullName());
        repository.putObject("owner").put("login", repo.owner());
        payload.putObject("issue").put("number", issueNumber);
        payload.putObject("comment").put("id", commentId);
        return github.parseEventPayload(new StringReader(JSON.writeValueAsString(payload)),
                GHEventPayload.IssueComment.class);
    }
}
