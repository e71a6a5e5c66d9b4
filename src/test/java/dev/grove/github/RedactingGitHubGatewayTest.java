package dev.grove.github;

import dev.grove.model.RepoRef;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.grove.report.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedactingGitHubGatewayTest {

    private static final RepoRef REPO = new RepoRef("acme", "demo");
    private static final String SECRET = "the-webhook-secret-0123";
    private static final String TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

    /** Records every text GitHub would receive. */
    static final class Recording implements GitHubGateway {
        final List<String> sent = new ArrayList<>();

        @Override
        public String permissionOf(RepoRef repo, String user) {
            return "write";
        }

        @Override
        public long commentOnIssue(RepoRef repo, int issueNumber, String body) {
            sent.add(body);
            return 1;
        }

        @Override
        public void editIssueComment(RepoRef repo, long commentId, String body) {
            sent.add(body);
        }

        @Override
        public Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) {
            return Optional.empty();
        }

        @Override
        public PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) {
            sent.add(draft.title());
            sent.add(draft.body());
            assertEquals("grove/1-x", draft.head());
            return null;
        }

        @Override
        public void editIssueBody(RepoRef repo, int issueNumber, String body) {
            sent.add(body);
        }

        @Override
        public long replyToReviewComment(RepoRef repo, int pullNumber, long commentId, String body) {
            sent.add(body);
            return 2;
        }

        @Override
        public long createCheckRun(RepoRef repo, CheckRunRequest run) {
            record(run);
            return 7;
        }

        @Override
        public void updateCheckRun(RepoRef repo, long checkRunId, CheckRunRequest run) {
            record(run);
        }

        private void record(CheckRunRequest run) {
            sent.addAll(List.of(run.name(), run.title(), run.summary(), run.text()));
            run.actions().forEach(a -> sent.addAll(List.of(a.label(), a.description())));
            assertEquals("abc123", run.headSha());
        }
    }

    @Test
    void everyMethodOfTheGatewayGoesThroughTheDecorator() {
        for (java.lang.reflect.Method m : GitHubGateway.class.getMethods()) {
            try {
                RedactingGitHubGateway.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                throw new AssertionError("RedactingGitHubGateway does not override " + m
                        + ": a new GitHub call must be redacted (or passed through) explicitly");
            }
        }
    }

    @Test
    void everyTextGoingToGitHubIsRedacted() throws Exception {
        Recording github = new Recording();
        GitHubGateway gateway = new RedactingGitHubGateway(github, new Redactor(List.of(SECRET)));
        String leak = "the agent found " + SECRET + " and " + TOKEN;

        gateway.commentOnIssue(REPO, 1, leak);
        gateway.editIssueComment(REPO, 1, leak);
        gateway.openPullRequest(REPO, new PullRequestDraft(leak, "grove/1-x", "main", leak, false));
        CheckRunRequest run = new CheckRunRequest(leak, "abc123", "k", "completed", "success", null, null, leak, leak,
                leak, List.of(new CheckAction("Retry", SECRET, "retry")));
        gateway.createCheckRun(REPO, run);
        gateway.updateCheckRun(REPO, 7, run);
        gateway.editIssueBody(REPO, 1, leak);
        gateway.replyToReviewComment(REPO, 1, 9, leak);

        assertEquals(18, github.sent.size());
        for (String text : github.sent) {
            assertFalse(text.contains(SECRET) || text.contains(TOKEN), text);
            assertEquals(!text.equals("Retry"), text.contains("[redacted]"), text);
        }
    }
}
