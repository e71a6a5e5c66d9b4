package dev.grove.command;

import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.model.ThreadComment;
import java.util.List;

/** What the webhook handlers hand to the {@link CommandDispatcher}: one record per kind of trigger. */
public final class Triggers {
    private Triggers() {
    }

    /**
     * A new comment on an issue ({@code req} is the issue) or on a pull request ({@code req} is the PR);
     * {@code commentId} is the comment's own id (0 when unknown), for the acknowledging reaction.
     */
    public record Comment(RunRequest req, String body, boolean onPullRequest, long commentId) {
        public Comment(RunRequest req, String body, boolean onPullRequest) {
            this(req, body, onPullRequest, 0);
        }
    }

    /** The trigger label (or another one: the repository's config decides) added to an issue. */
    public record Label(RunRequest req, String label) {
    }

    /** Where a repository is and through which installation. */
    public record Repo(RepoRef repo, long installationId, String cloneUrl, String defaultBranch) {
    }

    /** {@code check_run} rerequested ({@code action} = {@code retry}) or requested_action (its identifier). */
    public record CheckRun(Repo repo, String externalId, String action, String sender) {
    }

    /** A review submitted with "changes requested" on a pull request. */
    public record Review(Repo repo, int pullNumber, long reviewId, String body, String sender) {
    }

    /** A review comment left on the diff of a pull request (its author is {@code comment.author()}). */
    public record ReviewThreadComment(Repo repo, int pullNumber, ThreadComment comment) {
    }

    /** A pull request closed, merged or not. */
    public record PullRequestClosed(Repo repo, int pullNumber, boolean merged, String headBranch) {
    }

    /**
     * The issue was closed ({@code label} null) or a label was removed from it ({@code label}: which one; only the
     * repository's trigger label stops anything): its agents are stopped and its unpushed worktrees removed.
     */
    public record IssueStopped(RunRequest req, String label) {
    }

    /**
     * A check suite ({@code checkRun} null: its runs are listed) or a check run of another app completed with
     * {@code failure} on {@code headSha}, the head of the pull requests {@code pullNumbers}.
     */
    public record CheckFailure(Repo repo, String headSha, List<Integer> pullNumbers, long checkSuiteId,
            FailedRun checkRun, String app) {
        public CheckFailure {
            pullNumbers = List.copyOf(pullNumbers);
        }
    }

    /** A failed check run as its event carries it (null where GitHub gives none). */
    public record FailedRun(long id, String name, String title, String summary, String text, int annotationsCount) {
    }
}
