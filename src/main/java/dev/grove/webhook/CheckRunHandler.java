package dev.grove.webhook;

import dev.grove.queue.WebhookEvent;

import dev.grove.queue.EventHandler;

import dev.grove.queue.Routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import java.util.function.Consumer;

/**
 * {@code check_run.rerequested} ("Re-run": retry the task) and {@code check_run.requested_action} (a button: its
 * identifier, {@code retry} or {@code cancel}), on a check run of this App named {@code grove / ...}.
 */
public final class CheckRunHandler implements EventHandler {
    private final String appId;
    private final Consumer<Triggers.CheckRun> checks;

    /** @param appId this App's id: check runs of other Apps are not Grove's */
    public CheckRunHandler(String appId, Consumer<Triggers.CheckRun> checks) {
        this.appId = appId;
        this.checks = checks;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        JsonNode run = p.path("check_run");
        if (Senders.isBot(p.path("sender"))) {
            return new Routing.Ignore("the sender is a bot");
        }
        if (!run.path("app").path("id").asText().equals(appId) || !run.path("name").asText().startsWith("grove / ")) {
            return new Routing.Ignore("check run '" + run.path("name").asText() + "' is not one of Grove's");
        }
        if (!Payloads.hasInstallation(p)) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        String action = event.action().equals("rerequested") ? "retry"
                : p.path("requested_action").path("identifier").asText("");
        Triggers.CheckRun t = new Triggers.CheckRun(Payloads.repo(p), run.path("external_id").asText(""), action,
                p.path("sender").path("login").asText());
        return new Routing.Enqueue(action + " from check run " + run.path("id").asText(), () -> checks.accept(t),
                action.equals("cancel") ? Routing.Lane.SHORT : Routing.Lane.LONG);
    }
}
