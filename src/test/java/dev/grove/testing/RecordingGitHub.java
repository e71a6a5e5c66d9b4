package dev.grove.testing;

import dev.grove.github.CheckRunRequest;
import dev.grove.github.GitHubGateway;
import dev.grove.github.IssueComment;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.github.RepoFile;
import dev.grove.github.ReviewComment;
import dev.grove.model.RepoRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recording fake GitHub the fast orchestration tests share: it answers from what the test gave it (roles, files,
 * review comments) and records every call (comments posted and edited, pull requests, check runs, deleted branches),
 * so a test asserts what Grove said and did on GitHub without a server. Thread-safe. For the HTTP level, the strict
 * WireMock {@link GitHubApiStub} is the fake; this one is for the steps above the gateway.
 */
public final class RecordingGitHub implements GitHubGateway {
    /** One call, as Grove made it: {@code what} is the method name, {@code number} the issue/PR/check run. */
    public record Call(String what, RepoRef repo, long number, String text) {
    }

    private final Map<String, String> roles = new LinkedHashMap<>();
    private final Map<String, String> permissions = new LinkedHashMap<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final Map<String, PullRequestRef> prs = new LinkedHashMap<>();
    private final List<PullRequestDraft> opened = new ArrayList<>();
    private final Map<Long, CheckRunRequest> checkRuns = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<ReviewComment> reviewComments = new ArrayList<>();
    private final Map<Integer, String> issueBodies = new LinkedHashMap<>();
    private final List<IssueComment> thread = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(9000);
    private final AtomicInteger prNumbers = new AtomicInteger(100);
    private String defaultRole = "admin";
    private final java.util.Set<String> failOnce = new java.util.HashSet<>();
    /** Each check run as it was created (updates replace what {@link #checkRuns()} shows, not its name and head). */
    private final Map<Long, CheckRunRequest> created = new LinkedHashMap<>();

    /**
     * The next call of method {@code what} (e.g. {@code "closeIssue"}) fails (an UncheckedIOException) before it takes
     * effect, as a process stopping right there would leave things (recorded in {@link #calls} as {@code what + "!"}).
     */
    public synchronized RecordingGitHub failOnce(String what) {
        failOnce.add(what);
        return this;
    }

    private void maybeFail(String what, RepoRef repo, long number) {
        if (failOnce.remove(what)) {
            calls.add(new Call(what + "!", repo, number, null));
            throw new java.io.UncheckedIOException(new java.io.IOException(what + " failed (the test's)"));
        }
    }

    /** Everyone not named has this role ({@code admin} unless set). */
    public synchronized RecordingGitHub everyone(String role) {
        defaultRole = role;
        return this;
    }

    public synchronized RecordingGitHub role(String user, String role) {
        roles.put(user.toLowerCase(), role);
        return this;
    }

    /**
     * What {@link #permissionOf} (the legacy permission API) answers for {@code user}, where it should differ from
     * what the role gives (GitHub answers the two APIs separately; a cached role may also be stale).
     */
    public synchronized RecordingGitHub permission(String user, String permission) {
        permissions.put(user.toLowerCase(), permission);
        return this;
    }

    /** A file of the repository, on every ref. */
    public synchronized RecordingGitHub file(String path, String text) {
        files.put(path, text);
        return this;
    }

    /** The body of an issue, as GitHub holds it (Grove edits it to tick a checklist item). */
    public synchronized RecordingGitHub issue(int number, String body) {
        issueBodies.put(number, body);
        return this;
    }

    public synchronized String issueBodyNow(int number) {
        return issueBodies.get(number);
    }

    /** A comment of every issue's thread (as {@link #issueThread} lists it, oldest first). */
    public synchronized RecordingGitHub threadComment(IssueComment c) {
        thread.add(c);
        return this;
    }

    public synchronized RecordingGitHub reviewComment(ReviewComment c) {
        reviewComments.add(c);
        return this;
    }

    // ---- what Grove did -----------------------------------------------------------------------------------------------

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The bodies Grove posted as new comments on {@code number}, in order. */
    public synchronized List<String> commentsOn(int number) {
        return calls.stream().filter(c -> c.what().equals("commentOnIssue") && c.number() == number)
                .map(Call::text).toList();
    }

    /** Every body of every comment (posted or edited), in order. */
    public synchronized List<String> bodies() {
        return calls.stream().filter(c -> c.what().equals("commentOnIssue") || c.what().equals("editIssueComment"))
                .map(Call::text).toList();
    }

    public synchronized List<PullRequestDraft> openedPullRequests() {
        return List.copyOf(opened);
    }

    public synchronized Map<Long, CheckRunRequest> checkRuns() {
        return Map.copyOf(checkRuns);
    }

    /** How many times Grove asked for a permission or role (the one gate asks; nothing else should). */
    public synchronized long permissionLookups() {
        return calls.stream().filter(c -> c.what().equals("permissionOf") || c.what().equals("roleOf")).count();
    }

    // ---- the gateway ------------------------------------------------------------------------------------------------

    @Override
    public synchronized String permissionOf(RepoRef repo, String user) {
        calls.add(new Call("permissionOf", repo, 0, user));
        String given = permissions.get(user.toLowerCase());
        if (given != null) return given;
        String role = roles.getOrDefault(user.toLowerCase(), defaultRole);
        return switch (role) {
            case "maintain" -> "write";
            case "triage" -> "read";
            default -> role;
        };
    }

    @Override
    public synchronized String roleOf(RepoRef repo, String user) {
        calls.add(new Call("roleOf", repo, 0, user));
        return roles.getOrDefault(user.toLowerCase(), defaultRole);
    }

    @Override
    public synchronized long commentOnIssue(RepoRef repo, int issueNumber, String body) {
        maybeFail("commentOnIssue", repo, issueNumber);
        calls.add(new Call("commentOnIssue", repo, issueNumber, body));
        return ids.incrementAndGet();
    }

    @Override
    public synchronized void editIssueComment(RepoRef repo, long commentId, String body) {
        calls.add(new Call("editIssueComment", repo, commentId, body));
    }

    @Override
    public synchronized Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) {
        calls.add(new Call("findPullRequest", repo, 0, headBranch));
        return Optional.ofNullable(prs.get(headBranch));
    }

    @Override
    public synchronized PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) {
        maybeFail("openPullRequest", repo, 0);
        calls.add(new Call("openPullRequest", repo, 0, draft.head()));
        int n = prNumbers.incrementAndGet();
        PullRequestRef ref = new PullRequestRef(n, "https://github.com/" + repo.fullName() + "/pull/" + n);
        prs.put(draft.head(), ref);
        opened.add(draft);
        return ref;
    }

    @Override
    public synchronized Optional<RepoFile> readFile(RepoRef repo, String path, String ref) {
        calls.add(new Call("readFile", repo, 0, path));
        String text = files.get(path);
        return text == null ? Optional.empty() : Optional.of(new RepoFile(path, "sha-" + text.hashCode(), text));
    }

    @Override
    public synchronized long createCheckRun(RepoRef repo, CheckRunRequest run) {
        maybeFail("createCheckRun", repo, 0);
        long id = ids.incrementAndGet();
        created.put(id, run);
        calls.add(new Call("createCheckRun", repo, id, run.name()));
        checkRuns.put(id, run);
        return id;
    }

    @Override
    public synchronized void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) throws IOException {
        if (!checkRuns.containsKey(checkRunId)) throw new IOException("no check run " + checkRunId);
        calls.add(new Call("updateCheckRun", repo, checkRunId, run.status() + " " + run.conclusion()));
        checkRuns.put(checkRunId, run);
    }

    /** The check runs made on {@code headSha} with {@code name}, each as it stands now. */
    @Override
    public synchronized List<dev.grove.github.CheckRunRef> checkRuns(RepoRef repo, String headSha, String name) {
        return created.entrySet().stream()
                .filter(e -> headSha.equals(e.getValue().headSha()) && name.equals(e.getValue().name()))
                .map(e -> new dev.grove.github.CheckRunRef(e.getKey(), e.getValue().externalId(),
                        e.getValue().startedAt(), checkRuns.get(e.getKey()).status()))
                .toList();
    }

    @Override
    public synchronized void deleteBranch(RepoRef repo, String branch) {
        calls.add(new Call("deleteBranch", repo, 0, branch));
    }

    @Override
    public synchronized void retargetPullRequest(RepoRef repo, int pullNumber, String base) {
        calls.add(new Call("retargetPullRequest", repo, pullNumber, base));
    }

    @Override
    public synchronized List<ReviewComment> reviewComments(RepoRef repo, int pullNumber, long reviewId) {
        calls.add(new Call("reviewComments", repo, pullNumber, String.valueOf(reviewId)));
        return List.copyOf(reviewComments);
    }

    @Override
    public synchronized List<IssueComment> issueThread(RepoRef repo, int issueNumber) {
        calls.add(new Call("issueThread", repo, issueNumber, null));
        return List.copyOf(thread);
    }

    @Override
    public synchronized String issueBody(RepoRef repo, int issueNumber) {
        calls.add(new Call("issueBody", repo, issueNumber, null));
        return issueBodies.getOrDefault(issueNumber, "");
    }

    @Override
    public synchronized void editIssueBody(RepoRef repo, int issueNumber, String body) {
        maybeFail("editIssueBody", repo, issueNumber);
        calls.add(new Call("editIssueBody", repo, issueNumber, body));
        issueBodies.put(issueNumber, body);
    }

    @Override
    public synchronized void closeIssue(RepoRef repo, int issueNumber) {
        maybeFail("closeIssue", repo, issueNumber);
        calls.add(new Call("closeIssue", repo, issueNumber, null));
    }

    /** The comments posted on the issue so far (ids are not kept: listed as 0). */
    @Override
    public synchronized List<dev.grove.github.IssueCommentRef> issueComments(RepoRef repo, int issueNumber,
            java.time.Instant since) {
        calls.add(new Call("issueComments", repo, issueNumber, null));
        return calls.stream().filter(c -> c.what().equals("commentOnIssue") && c.number() == issueNumber)
                .map(c -> new dev.grove.github.IssueCommentRef(0, c.text())).toList();
    }
}
