package dev.grove.app;

import dev.grove.metrics.GroveMetrics;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Grove's HTTP routes, on two servers. The webhook port, which GitHub must reach, serves {@code POST /webhook} and
 * {@code GET /healthz} only. The admin port serves {@code GET /} (the dashboard of runs, tasks and agent log tails),
 * {@code GET /metrics} (Prometheus) and {@code GET /healthz}; it is bound to loopback unless configured otherwise,
 * and then every request must carry {@code Authorization: Bearer <GROVE_ADMIN_TOKEN>}.
 */
public final class HttpServer {
    /** GitHub caps webhook payloads at 25 MB; Javalin's default limit is far smaller. */
    static final long MAX_PAYLOAD_BYTES = 25L * 1024 * 1024;

    private HttpServer() {
    }

    /** The webhook server with metrics of its own; port 0 picks a free one ({@code Javalin.port()} tells which). */
    public static Javalin start(WebhookController webhook, int port) {
        return start(webhook, new GroveMetrics(), port);
    }

    /** The webhook server: {@code POST /webhook} and {@code GET /healthz}, nothing else. */
    public static Javalin start(WebhookController webhook, GroveMetrics metrics, int port) {
        return Javalin.create(cfg -> {
            cfg.http.maxRequestSize = MAX_PAYLOAD_BYTES;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/webhook", ctx -> {
                webhook.handle(ctx);
                metrics.delivery(ctx.header("X-GitHub-Event"), ctx.statusCode());
            });
            healthz(cfg);
        }).start(port);
    }

    /**
     * The admin server on {@code bind}:{@code port}: the dashboard and metrics. With a {@code token}, every request
     * without {@code Authorization: Bearer <token>} gets 401.
     */
    public static Javalin startAdmin(GroveMetrics metrics, Supplier<String> dashboard, String bind, int port,
            String token) {
        byte[] expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            if (expected != null) {
                cfg.routes.before(ctx -> {
                    String given = ctx.header("Authorization");
                    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                        ctx.header("WWW-Authenticate", "Bearer realm=\"grove\"");
                        ctx.status(401).result("Grove's admin pages need Authorization: Bearer <GROVE_ADMIN_TOKEN>\n");
                        ctx.skipRemainingHandlers();
                    }
                });
            }
            cfg.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(dashboard.get()));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            healthz(cfg);
        }).start(bind, port);
    }

    private static void healthz(io.javalin.config.JavalinConfig cfg) {
        cfg.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
    }
}
