package dev.grove.app;

import dev.grove.metrics.GroveMetrics;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Grove's HTTP routes, on two servers. The webhook port, which GitHub must reach, serves {@code POST /webhook},
 * {@code GET /healthz} (liveness) and {@code GET /readyz} (readiness: the database, the data folder, the agent CLI;
 * probes reach it there), nothing else. The admin port serves {@code GET /} (the dashboard of runs, tasks and agent
 * log tails), one page per issue ({@code /issues/{owner}/{repo}/{n}}), {@code GET /tails} (the live log tails the
 * pages poll), {@code GET /metrics} (Prometheus) and the probes; it is bound to loopback unless configured otherwise,
 * and then every request must carry {@code Authorization: Bearer <GROVE_ADMIN_TOKEN>}.
 */
public final class HttpServer {
    /** GitHub caps webhook payloads at 25 MB; Javalin's default limit is far smaller. */
    static final long MAX_PAYLOAD_BYTES = WebhookController.MAX_PAYLOAD_BYTES;

    private HttpServer() {
    }

    /** What the admin port shows: the dashboard, one page per issue, and the live log tails. */
    public interface AdminPages {
        String render();

        default String renderIssue(String owner, String repo, int issue) {
            return render();
        }

        default String tails(String issue) {
            return "{}";
        }
    }

    /** The webhook server with metrics of its own; port 0 picks a free one ({@code Javalin.port()} tells which). */
    public static Javalin start(WebhookController webhook, int port) {
        return start(webhook, new GroveMetrics(), new Readiness(List.of()), port);
    }

    /** The webhook server: {@code POST /webhook} ({@code webhook} null: none, {@code grove runner}) and the probes. */
    public static Javalin start(WebhookController webhook, GroveMetrics metrics, Readiness readiness, int port) {
        return Javalin.create(cfg -> {
            cfg.http.maxRequestSize = MAX_PAYLOAD_BYTES;
            cfg.startup.showJavalinBanner = false;
            if (webhook != null) {
                cfg.routes.post("/webhook", ctx -> {
                    webhook.handle(ctx);
                    metrics.delivery(ctx.header("X-GitHub-Event"), ctx.statusCode());
                });
            }
            probes(cfg, readiness);
        }).start(port);
    }

    /**
     * The admin server on {@code bind}:{@code port}: the dashboard and metrics. With a {@code token}, every request
     * without {@code Authorization: Bearer <token>} gets 401.
     */
    public static Javalin startAdmin(GroveMetrics metrics, AdminPages dashboard, String bind, int port, String token) {
        return startAdmin(metrics, dashboard, new Readiness(List.of()), bind, port, token);
    }

    public static Javalin startAdmin(GroveMetrics metrics, AdminPages dashboard, Readiness readiness, String bind,
            int port, String token) {
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
            cfg.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(dashboard.render()));
            cfg.routes.get("/issues/{owner}/{repo}/{number}", ctx -> {
                String n = ctx.pathParam("number");
                if (!n.matches("\\d{1,9}")) {
                    ctx.status(404).result("no such issue");
                    return;
                }
                ctx.contentType("text/html; charset=utf-8").result(dashboard.renderIssue(ctx.pathParam("owner"),
                        ctx.pathParam("repo"), Integer.parseInt(n)));
            });
            cfg.routes.get("/tails", ctx -> ctx.contentType("application/json")
                    .header("Cache-Control", "no-store").result(dashboard.tails(ctx.queryParam("issue"))));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            probes(cfg, readiness);
        }).start(bind, port);
    }

    private static void probes(JavalinConfig cfg, Readiness readiness) {
        cfg.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
        cfg.routes.get("/readyz", ctx -> {
            Readiness.Result r = readiness.check();
            ctx.status(r.ready() ? 200 : 503).json(Map.of(
                    "status", r.ready() ? "ready" : "not ready", "checks", r.checks()));
        });
    }
}
