package dev.grove.webhook;

import dev.grove.queue.WebhookEvent;

import dev.grove.queue.EventHandler;

import dev.grove.queue.Routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import java.util.function.Consumer;

/** {@code pull_request.closed} of a pull request from a {@code grove/} branch: clean-up, merged or not. */
public final class PullRequestClosedHandler implements EventHandler {
    private final Consumer<Triggers.PullRequestClosed> closed;

    public PullRequestClosedHandler(Consumer<Triggers.PullRequestClosed> closed) {
        this.closed = closed;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        JsonNode pr = p.path("pull_request");
        String head = pr.path("head").path("ref").asText();
        if (!head.startsWith("grove/")) {
            return new Routing.Ignore("the pull request is not on a grove/ branch");
        }
        if (!Payloads.hasInstallation(p)) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        Triggers.PullRequestClosed t = new Triggers.PullRequestClosed(Payloads.repo(p), pr.path("number").asInt(),
                pr.path("merged").asBoolean(false), head);
        return new Routing.Enqueue("clean up after " + t.repo().repo() + "#" + t.pullNumber(), () -> closed.accept(t),
                t.merged() ? Routing.Lane.LONG : Routing.Lane.SHORT); // a merge may start held tasks' agents
    }
}
