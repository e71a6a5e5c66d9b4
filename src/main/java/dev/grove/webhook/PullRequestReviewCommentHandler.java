package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.model.ThreadComment;
import dev.grove.queue.EventHandler;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import java.util.function.Consumer;

/**
 * {@code pull_request_review_comment.created} by a person on a {@code grove/} pull request: the comment is kept for
 * the pull request's batched revise (a short job: whether its author may drive Grove is asked when it runs).
 */
public final class PullRequestReviewCommentHandler implements EventHandler {
    private final Consumer<Triggers.ReviewThreadComment> comments;

    public PullRequestReviewCommentHandler(Consumer<Triggers.ReviewThreadComment> comments) {
        this.comments = comments;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        JsonNode c = p.path("comment");
        if (Senders.isBot(p.path("sender")) || Senders.isBot(c.path("user"))) {
            return new Routing.Ignore("the review comment is by a bot");
        }
        if (!p.path("pull_request").path("head").path("ref").asText().startsWith("grove/")) {
            return new Routing.Ignore("the pull request is not on a grove/ branch");
        }
        if (!Payloads.hasInstallation(p)) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        if (!c.path("id").canConvertToLong() || c.path("id").asLong() <= 0) {
            return new Routing.Ignore("the review comment has no id");
        }
        long id = c.path("id").asLong();
        // GitHub takes replies only on a thread's first comment
        long thread = c.hasNonNull("in_reply_to_id") ? c.get("in_reply_to_id").asLong() : id;
        JsonNode line = c.hasNonNull("line") ? c.get("line") : c.path("original_line");
        ThreadComment comment = new ThreadComment(id, thread, c.path("pull_request_review_id").asLong(0),
                c.path("path").asText(""), line.canConvertToInt() ? line.asInt() : null,
                c.hasNonNull("diff_hunk") ? c.get("diff_hunk").asText() : null, c.path("body").asText(""),
                c.path("user").path("login").asText(), null, null);
        Triggers.ReviewThreadComment t = new Triggers.ReviewThreadComment(Payloads.repo(p),
                p.path("pull_request").path("number").asInt(), comment);
        return new Routing.Enqueue("keep review comment " + id + " on " + t.repo().repo() + "#" + t.pullNumber(),
                () -> comments.accept(t), Routing.Lane.SHORT);
    }
}
