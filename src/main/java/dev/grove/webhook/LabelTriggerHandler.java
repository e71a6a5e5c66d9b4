package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.queue.EventHandler;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code issues.labeled} on an issue (not a PR), from a person, through an installation. Which label starts a run is
 * the repository's {@code trigger_label}, known only once its config is read, so the job decides.
 */
public final class LabelTriggerHandler implements EventHandler {
    private final Consumer<Triggers.Label> labels;
    private final Predicate<Triggers.Label> admit;
    private final Consumer<Triggers.Label> admitted;

    public LabelTriggerHandler(Consumer<Triggers.Label> labels) {
        this(labels, null, null);
    }

    /**
     * Gated: {@code admit} on the short lane (config, trigger label, the permission gate: a refusal never waits
     * behind runs), then {@code admitted} on the long lane if it said yes.
     */
    public LabelTriggerHandler(Consumer<Triggers.Label> labels, Predicate<Triggers.Label> admit,
            Consumer<Triggers.Label> admitted) {
        this.labels = labels;
        this.admit = admit;
        this.admitted = admitted;
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
        String description = "label '" + t.label() + "' on " + t.req().repo() + "#" + t.req().issueNumber();
        if (admit != null) {
            return Routing.Enqueue.gated(description, () -> admit.test(t), () -> admitted.accept(t));
        }
        return new Routing.Enqueue(description, () -> labels.accept(t));
    }
}
