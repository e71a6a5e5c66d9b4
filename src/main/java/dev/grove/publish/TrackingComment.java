package dev.grove.publish;

import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.report.RunView;
import dev.grove.report.TrackingCommentRenderer;
import dev.grove.store.StateStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issue's one tracking comment: created the first time (its id kept in the store, so a redelivery, a second
 * run or a restart edits the same comment), edited in place after that. Updates are serialised; a failed update is
 * logged and the next one carries the whole state again. Writes are paced per issue by a {@link CommentPacer}.
 */
public final class TrackingComment {
    private static final Logger log = LoggerFactory.getLogger(TrackingComment.class);
    private final GitHubGateway github;
    private final StateStore store;
    private final RepoRef repo;
    private final int issue;
    private final TrackingCommentRenderer renderer = new TrackingCommentRenderer();
    private final CommentPacer pacer;
    private String lastBody;

    public TrackingComment(GitHubGateway github, StateStore store, RepoRef repo, int issue, CommentPacer pacer) {
        this.pacer = pacer;
        this.github = github;
        this.store = store;
        this.repo = repo;
        this.issue = issue;
    }

    /** Shows {@code view}, now or once the issue's comment may be edited again (see {@link CommentPacer}). */
    public void show(RunView view) {
        String body = renderer.render(view);
        pacer.offer(key(), () -> write(body));
    }

    /** Shows {@code view} like {@link #show}, returning once it is written: the state a run or command ends with. */
    public void settle(RunView view) {
        String body = renderer.render(view);
        pacer.offerAndWait(key(), () -> write(body));
    }

    private String key() {
        return repo.fullName() + "#" + issue;
    }

    private synchronized void write(String body) {
        if (body.equals(lastBody)) {
            return;
        }
        try {
            var id = store.trackingComment(repo, issue);
            if (id.isPresent()) {
                github.editIssueComment(repo, id.get(), body);
            } else {
                store.saveTrackingComment(repo, issue, github.commentOnIssue(repo, issue, body));
            }
            lastBody = body;
        } catch (IOException | RuntimeException e) {
            log.warn("could not update the tracking comment of {}#{}: {}", repo, issue, e.getMessage());
        }
    }
}
