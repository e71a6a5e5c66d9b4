package dev.grove.queue;

import com.fasterxml.jackson.databind.JsonNode;

/** A verified delivery: GitHub's event name, the payload's action, the delivery id and the parsed payload. */
public record WebhookEvent(String event, String action, String deliveryId, JsonNode payload) {
    public String qualifiedName() {
        return action == null || action.isEmpty() ? event : event + "." + action;
    }
}
