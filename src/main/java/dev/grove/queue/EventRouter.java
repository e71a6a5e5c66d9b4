package dev.grove.queue;

import java.util.Map;

/** {@code event.action} to its handler; anything else is ignored with a reason. */
public final class EventRouter {
    private final Map<String, EventHandler> handlers;

    public EventRouter(Map<String, EventHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    public Routing route(WebhookEvent event) {
        EventHandler h = handlers.get(event.qualifiedName());
        if (h == null) {
            return new Routing.Ignore("Grove does not act on " + event.qualifiedName());
        }
        return h.route(event);
    }
}
