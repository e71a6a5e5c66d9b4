package dev.grove.webhook;

import dev.grove.queue.WebhookEvent;

import dev.grove.queue.EventHandler;

import dev.grove.queue.Routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import java.util.function.Consumer;

/** {@code pull_request_review.submitted} with "changes requested", by a person: a revise of that pull request. */
public final class PullRequestReviewSubmittedHandler implements EventHandler {
    private final Consumer<Triggers.Review> reviews;

    public PullRequestReviewSubmittedHandler(Consumer<Triggers.Review> reviews) {
        this.reviews = reviews;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        JsonNode review = p.path("review");
        if (!review.path("state").asText().equalsIgnoreCase("changes_requested")) {
            return new Routing.Ignore("the review does not request changes");
        }
        if (Senders.isBot(p.path("sender")) || Senders.isBot(review.path("user"))) {
            return new Routing.Ignore("the review is by a bot");
        }
        if (!p.path("pull_request").path("head").path("ref").asText().startsWith("grove/")) {
            return new Routing.Ignore("the pull request is not on a grove/ branch");
        }
        if (!Payloads.hasInstallation(p)) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        Triggers.Review t = new Triggers.Review(Payloads.repo(p), p.path("pull_request").path("number").asInt(),
                review.path("id").asLong(), review.path("body").isNull() ? "" : review.path("body").asText(""),
                review.path("user").path("login").asText());
        return new Routing.Enqueue("revise " + t.repo().repo() + "#" + t.pullNumber() + " from a review",
                () -> reviews.accept(t));
    }
}
