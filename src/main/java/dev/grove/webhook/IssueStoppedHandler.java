package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.queue.EventHandler;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import java.util.function.Consumer;

/**
 * {@code issues.closed} and {@code issues.unlabeled} on an issue, through an installation: the people working on the
 * issue are done with it, so its agents stop. Bots are ignored, Grove included (Grove closes an issue whose tasks
 * are all merged). Which removed label counts is the repository's {@code trigger_label}, so the job decides.
 */
public final class IssueStoppedHandler implements EventHandler {
    private final Consumer<Triggers.IssueStopped> stops;

    public IssueStoppedHandler(Consumer<Triggers.IssueStopped> stops) {
        this.stops = stops;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        var ignored = Payloads.notFromPersonOnIssue(p, "a pull request, not an issue");
        if (ignored.isPresent()) {
            return ignored.get();
        }
        boolean closed = "closed".equals(p.path("action").asText());
        Triggers.IssueStopped t = new Triggers.IssueStopped(
                Payloads.issueRequest(p, p.path("sender").path("login").asText()),
                closed ? null : p.path("label").path("name").asText(""));
        return new Routing.Enqueue((closed ? "issue closed: " : "label '" + t.label() + "' removed from ")
                + t.req().repo() + "#" + t.req().issueNumber(), () -> stops.accept(t), Routing.Lane.SHORT);
    }
}
