package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.queue.EventHandler;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import java.util.function.Consumer;

/**
 * {@code issues.labeled} on an issue (not a PR), from a person, through an installation. Which label starts a run is
 * the repository's {@code trigger_label}, known only once its config is read, so the job decides.
 */
public final class LabelTriggerHandler implements EventHandler {
    private final Consumer<Triggers.Label> labels;

    public LabelTriggerHandler(Consumer<Triggers.Label> labels) {
        this.labels = labels;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        var ignored = Payloads.notFromPersonOnIssue(p, "the label is on a pull request; Grove runs issues");
        if (ignored.isPresent()) {
            return ignored.get();
        }
        Triggers.Label t = new Triggers.Label(Payloads.issueRequest(p, p.path("sender").path("login").asText()),
                p.path("label").path("name").asText(""));
        return new Routing.Enqueue("label '" + t.label() + "' on " + t.req().repo() + "#" + t.req().issueNumber(),
                () -> labels.accept(t));
    }
}
