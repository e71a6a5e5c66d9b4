package dev.grove.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A stand-in for the GitHub REST API on a dynamic port, answering with GitHub's own example responses from the
 * shared OpenAPI extracts ({@code ../shared/github-api} from the Maven basedir, or the folder named by the system
 * property {@code grove.shared.dir}, the shared folder itself or its {@code github-api} subfolder). Example bodies
 * have {@code https://api.github.com} replaced by {@link #baseUrl()}, so URLs that clients follow come back here.
 *
 * <p>Strictness is the test's job: call {@link #assertNoUnmatchedRequests()} and
 * {@link #assertRequestBodiesMatchSchemas()} at the end (unmatched requests get WireMock's 404 meanwhile).
 */
public final class GitHubApiStub implements AutoCloseable {

    /** A request the stub received. {@code body} is {@link MissingNode} when there was none. */
    public record ReceivedRequest(String method, String url, String path, JsonNode body, Map<String, String> headers) {
        /** First value of a header, case-insensitive, or null. */
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** One operation file: method, path template, and the file's JSON. */
    private record Operation(String method, String pathTemplate, Pattern pathPattern, JsonNode spec, String file) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final Path apiDir;
    private final List<Operation> operations;

    public GitHubApiStub() {
        this.apiDir = locateApiDir();
        this.operations = loadOperations(apiDir);
        this.server = new WireMockServer(options().dynamicPort().extensions(new RememberCreates(), new ListCreated()));
        server.start();
    }

    /** Where the API is served, without a trailing slash: pass this as {@code apiBase}. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** The underlying server, for anything the methods here do not cover. */
    public WireMockServer server() {
        return server;
    }

    // ---------------------------------------------------------------- examples and generic stubbing

    /**
     * A fresh copy of GitHub's first example response for the operation in {@code operationFile} (e.g.
     * {@code "get_repos_owner_repo.json"}) and status, with {@code https://api.github.com} replaced by the base URL.
     */
    public JsonNode example(String operationFile, int status) {
        Operation op = operations.stream().filter(o -> o.file().equals(operationFile)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operation file " + operationFile + " in " + apiDir));
        JsonNode examples = op.spec().path("responses").path(String.valueOf(status)).path("examples");
        if (!examples.isObject() || examples.isEmpty()) {
            throw new IllegalArgumentException(operationFile + " has no example for status " + status);
        }
        JsonNode value = examples.elements().next().path("value");
        try {
            return JSON.readTree(JSON.writeValueAsString(value).replace("https://api.github.com", baseUrl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stubs {@code method urlPath} (any query) to answer {@code status} with a JSON body. */
    public void stubJson(String method, String urlPath, int status, JsonNode body) {
        stubJson(method, urlPath, Map.of(), status, body);
    }

    /** Stubs {@code method urlPath} with the given query parameters (exact values) to answer with a JSON body. */
    public void stubJson(String method, String urlPath, Map<String, String> query, int status, JsonNode body) {
        MappingBuilder mapping = request(method, urlPathEqualTo(urlPath));
        query.forEach((k, v) -> mapping.withQueryParam(k, equalTo(v)));
        server.stubFor(mapping.willReturn(aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body == null ? "" : body.toString())));
    }

    /** Stubs an error answer in GitHub's shape: {@code {"message": ..., "documentation_url": ...}}. */
    public void stubError(String method, String urlPath, int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        body.put("documentation_url", "https://docs.github.com/rest");
        body.put("status", String.valueOf(status));
        stubJson(method, urlPath, status, body);
    }

    private ObjectNode exampleObject(String file, int status, Consumer<ObjectNode> edit) {
        ObjectNode node = (ObjectNode) example(file, status);
        edit.accept(node);
        return node;
    }

    // ---------------------------------------------------------------- one method per operation Grove uses

    /** {@code POST /app/installations/{id}/access_tokens} → 201 with this token and expiry. */
    public void stubAccessToken(long installationId, String token, Instant expiresAt) {
        stubJson("POST", "/app/installations/" + installationId + "/access_tokens", 201,
                exampleObject("post_app_installations_installation_id_access_tokens.json", 201, n -> {
                    n.put("token", token);
                    n.put("expires_at", expiresAt.toString());
                }));
    }

    /** {@code POST /app/installations/{id}/access_tokens} → an error status with GitHub's message. */
    public void stubAccessTokenError(long installationId, int status, String message) {
        stubError("POST", "/app/installations/" + installationId + "/access_tokens", status, message);
    }

    /** {@code GET /repos/{o}/{r}} → 200, GitHub's example with name, full_name and owner.login set. */
    public void stubRepository(RepoRef repo) {
        stubJson("GET", "/repos/" + repo.fullName(), 200, exampleObject("get_repos_owner_repo.json", 200, n -> {
            n.put("name", repo.name());
            n.put("full_name", repo.fullName());
            ((ObjectNode) n.path("owner")).put("login", repo.owner());
            n.put("url", baseUrl() + "/repos/" + repo.fullName());
            n.put("html_url", "https://github.com/" + repo.fullName());
        }));
    }

    /** {@code GET /repos/{o}/{r}/collaborators/{user}/permission} → 200 with this legacy permission. */
    public void stubPermission(RepoRef repo, String user, String permission) {
        stubJson("GET", "/repos/" + repo.fullName() + "/collaborators/" + user + "/permission", 200,
                exampleObject("get_repos_owner_repo_collaborators_username_permission.json", 200, n -> {
                    n.put("permission", permission);
                    n.put("role_name", permission);
                    ((ObjectNode) n.path("user")).put("login", user);
                }));
    }

    /** {@code GET /repos/{o}/{r}/collaborators/{user}/permission} → 404 (not a collaborator, or no such user). */
    public void stubPermissionNotFound(RepoRef repo, String user) {
        stubError("GET", "/repos/" + repo.fullName() + "/collaborators/" + user + "/permission", 404, "Not Found");
    }

    /** {@code GET /repos/{o}/{r}/issues/{n}} → 200, GitHub's example with this number. */
    public void stubIssue(RepoRef repo, int number) {
        stubJson("GET", "/repos/" + repo.fullName() + "/issues/" + number, 200,
                exampleObject("get_repos_owner_repo_issues_issue_number.json", 200, n -> {
                    n.put("number", number);
                    n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/issues/" + number);
                    n.put("html_url", "https://github.com/" + repo.fullName() + "/issues/" + number);
                }));
    }

    /**
     * {@code POST /repos/{o}/{r}/issues/comments/{id}/reactions} and {@code POST /repos/{o}/{r}/issues/{n}/reactions}
     * (any comment or issue) → 201, GitHub's example reaction.
     */
    public void stubReactions(RepoRef repo) {
        server.stubFor(request("POST", urlPathMatching("/repos/" + repo.fullName() + "/issues/(comments/)?\\d+/reactions"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(example("post_repos_owner_repo_issues_comments_comment_id_reactions.json", 201)
                                .toString())));
    }

    /** {@code GET /repos/{o}/{r}/issues/{n}} → 200, GitHub's example with this number and body. */
    public void stubIssue(RepoRef repo, int number, String body) {
        stubJson("GET", "/repos/" + repo.fullName() + "/issues/" + number, 200,
                exampleObject("get_repos_owner_repo_issues_issue_number.json", 200, n -> {
                    n.put("number", number);
                    n.put("body", body);
                    n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/issues/" + number);
                    n.put("html_url", "https://github.com/" + repo.fullName() + "/issues/" + number);
                }));
    }

    /** {@code PATCH /repos/{o}/{r}/issues/{n}} (body edits, closing) → 200, GitHub's example with this number. */
    public void stubEditIssue(RepoRef repo, int number) {
        stubJson("PATCH", "/repos/" + repo.fullName() + "/issues/" + number, 200,
                exampleObject("patch_repos_owner_repo_issues_issue_number.json", 200, n -> n.put("number", number)));
    }

    /** {@code POST /repos/{o}/{r}/issues/{n}/comments} → 201, the new comment with this id. */
    public void stubCreateIssueComment(RepoRef repo, int issueNumber, long commentId) {
        stubJson("POST", "/repos/" + repo.fullName() + "/issues/" + issueNumber + "/comments", 201,
                comment(repo, issueNumber, commentId, "post_repos_owner_repo_issues_issue_number_comments.json", 201));
    }

    /** {@code PATCH /repos/{o}/{r}/issues/comments/{id}} → 200, the comment with this id. */
    public void stubEditIssueComment(RepoRef repo, long commentId) {
        stubJson("PATCH", "/repos/" + repo.fullName() + "/issues/comments/" + commentId, 200,
                comment(repo, 1, commentId, "patch_repos_owner_repo_issues_comments_comment_id.json", 200));
    }

    private ObjectNode comment(RepoRef repo, int issueNumber, long commentId, String file, int status) {
        return exampleObject(file, status, n -> {
            n.put("id", commentId);
            n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/issues/comments/" + commentId);
            n.put("html_url", "https://github.com/" + repo.fullName() + "/issues/" + issueNumber
                    + "#issuecomment-" + commentId);
            n.put("issue_url", baseUrl() + "/repos/" + repo.fullName() + "/issues/" + issueNumber);
        });
    }

    /**
     * {@code GET /repos/{o}/{r}/pulls} (any query) → 200 with these pull requests (open), or {@code []} when none.
     * Use {@link #pull(RepoRef, PullRequestRef, String)} and {@link #stubJson} for other states.
     */
    public void stubListPulls(RepoRef repo, PullRequestRef... found) {
        ArrayNode list = JSON.createArrayNode();
        for (PullRequestRef pr : found) {
            list.add(pull(repo, pr, "open"));
        }
        stubJson("GET", "/repos/" + repo.fullName() + "/pulls", 200, list);
    }

    /** {@code POST /repos/{o}/{r}/pulls} → 201, the new pull request. */
    public void stubCreatePull(RepoRef repo, PullRequestRef created) {
        stubJson("POST", "/repos/" + repo.fullName() + "/pulls", 201,
                pullFrom("post_repos_owner_repo_pulls.json", 201, repo, created, "open"));
    }

    /** {@code POST /repos/{o}/{r}/pulls} whose body's {@code head} is this branch → 201, this pull request. */
    public void stubCreatePull(RepoRef repo, String headBranch, PullRequestRef created) {
        stubCreatePull(repo, headBranch, created, java.time.Duration.ZERO);
    }

    /** Like {@link #stubCreatePull(RepoRef, String, PullRequestRef)}, answered only after {@code delay}. */
    public void stubCreatePull(RepoRef repo, String headBranch, PullRequestRef created, java.time.Duration delay) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/repos/" + repo.fullName() + "/pulls"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.head",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo(headBranch)))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withFixedDelay((int) delay.toMillis())
                        .withBody(pullFrom("post_repos_owner_repo_pulls.json", 201, repo, created, "open").toString())));
    }

    /** {@code GET /repos/{o}/{r}/pulls/{n}} → 200, the pull request. */
    public void stubGetPull(RepoRef repo, PullRequestRef pr) {
        stubJson("GET", "/repos/" + repo.fullName() + "/pulls/" + pr.number(), 200,
                pullFrom("get_repos_owner_repo_pulls_pull_number.json", 200, repo, pr, "open"));
    }

    /** {@code PATCH /repos/{o}/{r}/pulls/{n}} (a new base, title or body) → 200, GitHub's example with this number. */
    public void stubUpdatePull(RepoRef repo, PullRequestRef pr) {
        stubJson("PATCH", "/repos/" + repo.fullName() + "/pulls/" + pr.number(), 200,
                pullFrom("patch_repos_owner_repo_pulls_pull_number.json", 200, repo, pr, "open"));
    }

    /**
     * {@code GET /repos/{o}/{r}/contents/{path}} (any ref) → 200, GitHub's "file" example with this path, blob sha
     * and base64 content.
     */
    public void stubFile(RepoRef repo, String path, String text, String sha) {
        stubJson("GET", "/repos/" + repo.fullName() + "/contents/" + path, 200,
                exampleObject("get_repos_owner_repo_contents_path.json", 200, n -> {
                    n.put("path", path);
                    n.put("name", path.substring(path.lastIndexOf('/') + 1));
                    n.put("sha", sha);
                    n.put("size", text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                    n.put("content", java.util.Base64.getMimeEncoder(60, "\n".getBytes())
                            .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");
                    n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/contents/" + path);
                }));
    }

    /** {@code GET /repos/{o}/{r}/contents/{path}} → 404. */
    public void stubFileNotFound(RepoRef repo, String path) {
        stubError("GET", "/repos/" + repo.fullName() + "/contents/" + path, 404, "Not Found");
    }

    /** {@code POST /repos/{o}/{r}/check-runs} → 201, GitHub's in-progress example with this id. */
    public void stubCreateCheckRun(RepoRef repo, long id) {
        stubJson("POST", "/repos/" + repo.fullName() + "/check-runs", 201,
                exampleObject("post_repos_owner_repo_check-runs.json", 201, n -> {
                    n.put("id", id);
                    n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/check-runs/" + id);
                }));
    }

    /** {@code PATCH /repos/{o}/{r}/check-runs/{id}} → 200, GitHub's example with this id. */
    public void stubUpdateCheckRun(RepoRef repo, long id) {
        stubJson("PATCH", "/repos/" + repo.fullName() + "/check-runs/" + id, 200,
                exampleObject("patch_repos_owner_repo_check-runs_check_run_id.json", 200, n -> n.put("id", id)));
    }

    /** {@code DELETE /repos/{o}/{r}/git/refs/heads/{branch}} → 204. */
    public void stubDeleteBranch(RepoRef repo, String branch) {
        server.stubFor(request("DELETE", urlPathEqualTo("/repos/" + repo.fullName() + "/git/refs/heads/" + branch))
                .willReturn(aResponse().withStatus(204)));
    }

    /** {@code GET /repos/{o}/{r}/pulls/{n}/reviews/{id}/comments} → 200, GitHub's example comment once per (path, line, body). */
    public void stubReviewComments(RepoRef repo, int pull, long reviewId, String[]... comments) {
        ArrayNode list = JSON.createArrayNode();
        JsonNode template = example("get_repos_owner_repo_pulls_pull_number_reviews_review_id_comments.json", 200).get(0);
        long id = template.path("id").asLong();
        for (String[] c : comments) {
            ObjectNode n = template.deepCopy();
            n.put("id", id++);
            n.put("path", c[0]);
            n.put("line", Integer.parseInt(c[1]));
            n.put("original_line", Integer.parseInt(c[1]));
            n.put("body", c[2]);
            n.put("pull_request_review_id", reviewId);
            list.add(n);
        }
        stubJson("GET", "/repos/" + repo.fullName() + "/pulls/" + pull + "/reviews/" + reviewId + "/comments", 200, list);
    }

    /**
     * {@code POST /repos/{o}/{r}/pulls/{n}/comments/{id}/replies} (any comment of pull {@code pull}) → 201, GitHub's
     * example reply.
     */
    public void stubReviewCommentReplies(RepoRef repo, int pull) {
        server.stubFor(request("POST", urlPathMatching("/repos/" + repo.fullName() + "/pulls/" + pull
                + "/comments/\\d+/replies")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(example("post_repos_owner_repo_pulls_pull_number_comments_comment_id_replies.json", 201)
                        .toString())));
    }

    /** One element of GitHub's pull request list example, with number, URLs and state set. */
    public ObjectNode pull(RepoRef repo, PullRequestRef pr, String state) {
        ObjectNode node = (ObjectNode) example("get_repos_owner_repo_pulls.json", 200).get(0).deepCopy();
        editPull(node, repo, pr, state);
        return node;
    }

    private ObjectNode pullFrom(String file, int status, RepoRef repo, PullRequestRef pr, String state) {
        return exampleObject(file, status, n -> editPull(n, repo, pr, state));
    }

    private void editPull(ObjectNode n, RepoRef repo, PullRequestRef pr, String state) {
        n.put("number", pr.number());
        n.put("html_url", pr.htmlUrl());
        n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/pulls/" + pr.number());
        n.put("issue_url", baseUrl() + "/repos/" + repo.fullName() + "/issues/" + pr.number());
        n.put("state", state);
    }

    // ---------------------------------------------------------------- what a create left behind

    /** A comment or check run some POST asked for, as GitHub would then list it. */
    private record Created(String path, long id, JsonNode requested) {
    }

    private final List<Created> created = Collections.synchronizedList(new ArrayList<>());
    private static final Pattern CREATES = Pattern.compile("/repos/[^/]+/[^/]+/(issues/\\d+/comments|check-runs)");
    private static final String LIST_CREATED = "grove-list-created";

    /**
     * Every POST of a comment or check run that reaches a stub is remembered as made, whatever the stub answers (a
     * 502, a fault, a delay past the client's timeout): the way GitHub can act on a request and still fail to
     * answer it. Its id is the one the stub answers with, or a new one when the answer has none.
     */
    private final class RememberCreates implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            var request = event.getRequest();
            String path = URI.create(request.getUrl()).getPath();
            if ("POST".equals(request.getMethod().getName()) && CREATES.matcher(path).matches()) {
                long id = 880_000 + created.size();
                try {
                    String answer = event.getResponseDefinition().getBody();
                    if (answer != null && JSON.readTree(answer).path("id").canConvertToLong()) {
                        id = JSON.readTree(answer).path("id").asLong();
                    }
                    created.add(new Created(path, id, JSON.readTree(request.getBodyAsString())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return event.getResponseDefinition();
        }

        @Override
        public String getName() {
            return "grove-remember-creates";
        }
    }

    /** A check run's status as GitHub would list it: the last one a PATCH of it set, else the one it was made with. */
    private String checkRunStatus(Created c) {
        String status = c.requested().path("status").asText("queued");
        for (ReceivedRequest r : requests("PATCH", ".*/check-runs/" + c.id())) {
            if (r.body().hasNonNull("status")) {
                status = r.body().get("status").asText();
            }
        }
        return status;
    }

    /** {@code POST /repos/{o}/{r}/check-runs} for a check run of this name → 201, GitHub's example with this id. */
    public void stubCreateCheckRunNamed(RepoRef repo, String name, long id) {
        server.stubFor(request("POST", urlPathEqualTo("/repos/" + repo.fullName() + "/check-runs"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.name",
                        equalTo(name)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(exampleObject("post_repos_owner_repo_check-runs.json", 201, n -> {
                            n.put("id", id);
                            n.put("name", name);
                            n.put("url", baseUrl() + "/repos/" + repo.fullName() + "/check-runs/" + id);
                        }).toString())));
        stubUpdateCheckRun(repo, id);
    }

    /** Answers a list request from what {@link RememberCreates} saw (see the two {@code stub…Lookup} methods). */
    private final class ListCreated implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            String path = URI.create(event.getRequest().getUrl()).getPath();
            JsonNode body;
            List<Created> made;
            synchronized (created) {
                made = List.copyOf(created);
            }
            if (path.endsWith("/comments")) {
                ArrayNode list = JSON.createArrayNode();
                made.stream().filter(c -> c.path().equals(path)).forEach(c -> {
                    ObjectNode n = (ObjectNode) example("get_repos_owner_repo_issues_issue_number_comments.json", 200).get(0);
                    n.put("id", c.id());
                    n.put("body", c.requested().path("body").asText());
                    list.add(n);
                });
                body = list;
            } else {
                String sha = path.replaceAll(".*/commits/([^/]+)/check-runs$", "$1");
                String name = event.getRequest().queryParameter("check_name").isPresent()
                        ? event.getRequest().queryParameter("check_name").firstValue() : null;
                ArrayNode runs = JSON.createArrayNode();
                made.stream().filter(c -> c.path().endsWith("/check-runs"))
                        .filter(c -> c.requested().path("head_sha").asText().equals(sha))
                        .filter(c -> name == null || c.requested().path("name").asText().equals(name))
                        .forEach(c -> {
                            ObjectNode n = (ObjectNode) example("get_repos_owner_repo_commits_ref_check-runs.json", 200)
                                    .path("check_runs").get(0);
                            n.put("id", c.id());
                            n.put("head_sha", sha);
                            n.put("name", c.requested().path("name").asText());
                            n.set("external_id", c.requested().path("external_id").deepCopy());
                            n.set("started_at", c.requested().has("started_at")
                                    ? c.requested().get("started_at").deepCopy() : n.get("started_at"));
                            n.put("status", checkRunStatus(c));
                            runs.insert(0, n); // newest first
                        });
                ObjectNode o = JSON.createObjectNode();
                o.put("total_count", runs.size());
                o.set("check_runs", runs);
                body = o;
            }
            return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(body.toString()).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return LIST_CREATED;
        }
    }

    /** A comment of an issue's thread: its author's login and type ({@code User}, {@code Bot}), author_association, body. */
    public record ThreadComment(String login, String type, String association, String body) {
    }

    /**
     * {@code GET /repos/{o}/{r}/issues/{n}/comments} (any query) → 200, GitHub's example comment once per given comment
     * (ids 5001, 5002, ...; user login and type, author_association and body set), oldest first.
     */
    public void stubIssueThread(RepoRef repo, int issueNumber, ThreadComment... comments) {
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < comments.length; i++) {
            ThreadComment c = comments[i];
            ObjectNode n = (ObjectNode) example("get_repos_owner_repo_issues_issue_number_comments.json", 200).get(0);
            n.put("id", 5001 + i);
            n.put("body", c.body());
            n.put("author_association", c.association());
            n.put("issue_url", baseUrl() + "/repos/" + repo.fullName() + "/issues/" + issueNumber);
            ((ObjectNode) n.path("user")).put("login", c.login()).put("type", c.type());
            list.add(n);
        }
        stubJson("GET", "/repos/" + repo.fullName() + "/issues/" + issueNumber + "/comments", 200, list);
    }

    /**
     * Every issue's comment thread is empty ({@code GET /repos/{o}/{r}/issues/{n}/comments} → {@code []}), at a low
     * priority: a test's own stub of one issue's comments wins over it.
     */
    public void stubEmptyIssueThreads(RepoRef repo) {
        server.stubFor(request("GET", com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                        "/repos/" + Pattern.quote(repo.fullName()) + "/issues/\\d+/comments"))
                .atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("[]")));
    }

    /** {@code GET /repos/{o}/{r}/issues/{n}/comments} (any query) → the comments POSTed there so far, as GitHub lists them. */
    public void stubCommentsLookup(RepoRef repo, int issueNumber) {
        server.stubFor(request("GET", urlPathEqualTo("/repos/" + repo.fullName() + "/issues/" + issueNumber + "/comments"))
                .willReturn(aResponse().withTransformers(LIST_CREATED)));
    }

    /** {@code GET /repos/{o}/{r}/commits/{sha}/check-runs} (any sha, any query) → the check runs POSTed for it so far. */
    public void stubCheckRunsLookup(RepoRef repo) {
        server.stubFor(request("GET", com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                        "/repos/" + Pattern.quote(repo.fullName()) + "/commits/[^/]+/check-runs"))
                .willReturn(aResponse().withTransformers(LIST_CREATED)));
    }

    // ---------------------------------------------------------------- what was received

    /** Requests received with this method whose URL (path and query) matches the regex entirely, oldest first. */
    public List<ReceivedRequest> requests(String method, String urlRegex) {
        Pattern url = Pattern.compile(urlRegex);
        return all().stream()
                .filter(r -> r.method().equalsIgnoreCase(method) && url.matcher(r.url()).matches())
                .toList();
    }

    /** Every request received, oldest first. */
    public List<ReceivedRequest> all() {
        List<ReceivedRequest> out = new ArrayList<>();
        server.getAllServeEvents().forEach(e -> out.add(received(e.getRequest())));
        Collections.reverse(out); // WireMock lists newest first
        return out;
    }

    private static ReceivedRequest received(LoggedRequest r) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpHeader h : r.getHeaders().all()) {
            headers.putIfAbsent(h.key(), h.firstValue());
        }
        String text = r.getBodyAsString();
        JsonNode body = MissingNode.getInstance();
        if (text != null && !text.isBlank()) {
            try {
                body = JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError(r.getMethod() + " " + r.getUrl() + " sent a body that is not JSON: " + text);
            }
        }
        return new ReceivedRequest(r.getMethod().getName(), r.getUrl(), URI.create(r.getUrl()).getPath(), body,
                Collections.unmodifiableMap(headers));
    }

    /** Fails listing every request no stub matched. */
    public void assertNoUnmatchedRequests() {
        List<LoggedRequest> unmatched = server.findAllUnmatchedRequests();
        if (!unmatched.isEmpty()) {
            throw new AssertionError("requests no stub matched:\n" + unmatched.stream()
                    .map(r -> "  " + r.getMethod() + " " + r.getUrl())
                    .collect(Collectors.joining("\n")));
        }
    }

    /**
     * Validates every received request body against its operation's request schema
     * ({@code requestBody.content["application/json"].schema}, or {@code requestBody.schema} as the extracts store
     * it), under OpenAPI 3.0 rules ({@code nullable} honoured; {@code example}, {@code x-*} ignored). Fails with all
     * validation messages; also fails for a body sent to an operation unknown here or one that takes no body.
     */
    public void assertRequestBodiesMatchSchemas() {
        List<String> problems = new ArrayList<>();
        for (ReceivedRequest r : all()) {
            if (r.body().isMissingNode()) {
                continue;
            }
            String what = r.method() + " " + r.path();
            Operation op = operationFor(r.method(), r.path());
            if (op == null) {
                problems.add(what + ": no GitHub operation file describes it (in " + apiDir + ")");
                continue;
            }
            JsonNode requestBody = op.spec().path("requestBody");
            JsonNode schemaNode = requestBody.path("content").path("application/json").path("schema");
            if (schemaNode.isMissingNode()) {
                schemaNode = requestBody.path("schema");
            }
            if (schemaNode.isMissingNode()) {
                problems.add(what + ": sent a body, but " + op.file() + " takes none");
                continue;
            }
            for (String m : schemaProblems(schemaNode, r.body())) {
                problems.add(what + " (" + op.file() + "): " + m);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("request bodies GitHub would reject:\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Validation messages for {@code body} against an OpenAPI 3.0 schema object (empty when it passes).
     * {@code nullable: true} admits null; {@code example}, {@code description}, {@code x-*} are annotations.
     */
    public static List<String> schemaProblems(JsonNode schemaNode, JsonNode body) {
        Set<ValidationMessage> messages = schema(schemaNode).validate(body);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** OpenAPI 3.0's dialect, with vendor extensions ({@code x-*}) ignored quietly instead of logged. */
    private static final JsonMetaSchema OPENAPI_30 = JsonMetaSchema.builder(OpenApi30.getInstance())
            .unknownKeywordFactory((keyword, context) -> new NonValidationKeyword(keyword))
            .build();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
            b -> b.metaSchema(OPENAPI_30).defaultMetaSchemaIri(OPENAPI_30.getIri()));
    private static final SchemaValidatorsConfig SCHEMA_CONFIG =
            SchemaValidatorsConfig.builder().nullableKeywordEnabled(true).build();

    private static JsonSchema schema(JsonNode schemaNode) {
        return SCHEMAS.getSchema(schemaNode, SCHEMA_CONFIG);
    }

    private Operation operationFor(String method, String path) {
        return operations.stream()
                .filter(o -> o.method().equalsIgnoreCase(method) && o.pathPattern().matcher(path).matches())
                .findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- loading

    private static Path locateApiDir() {
        String override = System.getProperty("grove.shared.dir");
        Path dir = override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of(System.getProperty("user.dir")).resolve("../shared");
        Path api = Files.isDirectory(dir.resolve("github-api")) ? dir.resolve("github-api") : dir;
        if (!Files.isRegularFile(api.resolve("SOURCE.md"))) {
            throw new IllegalStateException("GitHub API descriptions not found at " + api.toAbsolutePath().normalize()
                    + "; set -Dgrove.shared.dir to the shared folder (the one holding github-api/)");
        }
        return api.toAbsolutePath().normalize();
    }

    private static List<Operation> loadOperations(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Operation> ops = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode spec = JSON.readTree(f.toFile());
                String template = spec.path("path").asText();
                String regex = Stream.of(template.split("\\{[^}]+}", -1))
                        .map(Pattern::quote).collect(Collectors.joining("[^/]+"));
                ops.add(new Operation(spec.path("method").asText(), template, Pattern.compile(regex), spec,
                        f.getFileName().toString()));
            }
            return List.copyOf(ops);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
