package dev.grove.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.kohsuke.github.GitHubBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
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
 * </ul>
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private record CachedRepository(GHRepository repository, long fetchedAtNanos) {
    }

    private final GitHub github;
    private final Map<RepoRef, CachedRepository> repositories = new ConcurrentHashMap<>();

    public Hub4jGitHubGateway(String apiBase, TokenSource tokens, long installationId) {
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(tokens, "tokens");
        try {
            this.github = new GitHubBuilder()
                    .withEndpoint(apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase)
                    .withAuthorizationProvider(() -> "token " + tokens.installationToken(installationId))
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
