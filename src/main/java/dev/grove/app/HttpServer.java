package dev.grove.app;

import dev.grove.metrics.GroveMetrics;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.util.function.Supplier;

/**
 * Grove's HTTP routes: {@code POST /webhook}, {@code GET /healthz} (liveness), {@code GET /readyz} (readiness: the
 * database, the data folder, the agent CLI), {@code GET /metrics} (Prometheus) and {@code GET /}
 * (the dashboard of runs, tasks and agent log tails).
 */
public final class HttpServer {
    /** GitHub caps webhook payloads at 25 MB; Javalin's default limit is far smaller. */
    static final long MAX_PAYLOAD_BYTES = 25L * 1024 * 1024;

    private HttpServer() {
    }

    /** Starts the server with metrics of its own; port 0 picks a free one ({@code Javalin.port()} tells which). */
    public static Javalin start(WebhookController webhook, int port) {
        return start(webhook, new GroveMetrics(), () -> "<!doctype html><title>Grove</title><p>Grove</p>", port);
    }

    public static Javalin start(WebhookController webhook, GroveMetrics metrics, Supplier<String> dashboard, int port) {
        return start(webhook, metrics, dashboard, new Readiness(java.util.List.of()), port);
    }

    /** {@code GET /readyz} answers 200 when every readiness check passes, else 503; both name each check's state. */
    public static Javalin start(WebhookController webhook, GroveMetrics metrics, Supplier<String> dashboard,
            Readiness readiness, int port) {
        return start(webhook, metrics, dashboard, null, readiness, port);
    }

    /** With the full dashboard: {@code GET /}, one page per issue, and {@code GET /tails} (the live log tails). */
    static Javalin start(WebhookController webhook, GroveMetrics metrics, Dashboard dashboard, Readiness readiness,
            int port) {
        return start(webhook, metrics, dashboard::render, dashboard, readiness, port);
    }

    private static Javalin start(WebhookController webhook, GroveMetrics metrics, Supplier<String> index,
            Dashboard pages, Readiness readiness, int port) {
        Supplier<String> dashboard = index;
        return Javalin.create(cfg -> {
            cfg.http.maxRequestSize = MAX_PAYLOAD_BYTES;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/webhook", ctx -> {
                webhook.handle(ctx);
                metrics.delivery(ctx.header("X-GitHub-Event"), ctx.statusCode());
            });
            cfg.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(dashboard.get()));
            if (pages != null) {
                cfg.routes.get("/issues/{owner}/{repo}/{number}", ctx -> {
                    String n = ctx.pathParam("number");
                    if (!n.matches("\\d{1,9}")) {
                        ctx.status(404).result("no such issue");
                        return;
                    }
                    ctx.contentType("text/html; charset=utf-8").result(pages.renderIssue(ctx.pathParam("owner"),
                            ctx.pathParam("repo"), Integer.parseInt(n)));
                });
                cfg.routes.get("/tails", ctx -> ctx.contentType("application/json")
                        .header("Cache-Control", "no-store").result(pages.tails(ctx.queryParam("issue"))));
            }
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            cfg.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
            cfg.routes.get("/readyz", ctx -> {
                Readiness.Result r = readiness.check();
                ctx.status(r.ready() ? 200 : 503).json(java.util.Map.of(
                        "status", r.ready() ? "ready" : "not ready", "checks", r.checks()));
            });
        }).start(port);
    }
}
