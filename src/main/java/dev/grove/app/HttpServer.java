package dev.grove.app;

import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;

/** Grove's HTTP routes: {@code POST /webhook} and {@code GET /healthz}. */
public final class HttpServer {
    /** GitHub caps webhook payloads at 25 MB; Javalin's default limit is far smaller. */
    static final long MAX_PAYLOAD_BYTES = 25L * 1024 * 1024;

    private HttpServer() {
    }

    /** Starts the server; port 0 picks a free one ({@code Javalin.port()} tells which). */
    public static Javalin start(WebhookController webhook, int port) {
        return Javalin.create(cfg -> {
            cfg.http.maxRequestSize = MAX_PAYLOAD_BYTES;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/webhook", webhook::handle);
            cfg.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
        }).start(port);
    }
}
