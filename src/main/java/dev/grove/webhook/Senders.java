package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;

/** Who sent a delivery. Bots (Grove itself included) are never obeyed, so Grove cannot answer itself in a loop. */
final class Senders {
    private Senders() {
    }

    static boolean isBot(JsonNode sender) {
        return "Bot".equalsIgnoreCase(sender.path("type").asText()) || sender.path("login").asText().endsWith("[bot]");
    }
}
