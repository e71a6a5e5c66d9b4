package dev.grove.app;

import dev.grove.metrics.GroveMetrics;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;

/** Grove's HTTP routes: {@code POST /webhook}, {@code GET /healthz} and {@code GET /metrics} (Prometheus). */
public final class HttpServer {
    /** GitHub caps webhook payloads at 25 MB; Javalin's default limit is far smaller. */
    static final long MAX_PAYLOAD_BYTES = 25L * 1024 * 1024;

    private HttpServer() {
    }

    /** Starts the server with metrics of its own; port 0 picks a free one ({@code Javalin.port()} tells which). */
    public static Javalin start(WebhookController webhook, int port) {
        return start(webhook, new GroveMetrics(), port);
    }

    public static Javalin start(WebhookController webhook, GroveMetrics metrics, int port) {
        return Javalin.create(cfg -> {
            cfg.http.maxRequestSize = MAX_PAYLOAD_BYTES;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/webhook", ctx -> {
                webhook.handle(ctx);
                metrics.delivery(ctx.header("X-GitHub-Event"), ctx.statusCode());
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            cfg.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
        }).start(port);
    }
}
