package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.metrics.GroveMetrics;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The admin port: the dashboard and metrics, behind a bearer token when one is set. */
class AdminServerTest {

    private static final String TOKEN = "an-admin-token-0123456789";
    private final HttpClient client = HttpClient.newHttpClient();

    private int get(Javalin admin, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path));
        if (authorization != null) b.header("Authorization", authorization);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void withATokenEveryAdminPageNeedsIt() throws Exception {
        Javalin admin = HttpServer.startAdmin(new GroveMetrics(), () -> "<p>dashboard</p>", "0.0.0.0", 0, TOKEN);
        try {
            for (String path : new String[] {"/", "/metrics"}) {
                assertEquals(401, get(admin, path, null), path);
                assertEquals(401, get(admin, path, "Bearer wrong-token-0123456789"), path);
                assertEquals(401, get(admin, path, TOKEN), path);
                assertEquals(200, get(admin, path, "Bearer " + TOKEN), path);
            }
            assertEquals(404, get(admin, "/webhook", "Bearer " + TOKEN));
        } finally {
            admin.stop();
        }
    }

    @Test
    void onLoopbackWithoutATokenItAnswersLocally() throws Exception {
        Javalin admin = HttpServer.startAdmin(new GroveMetrics(), () -> "<p>dashboard</p>", "127.0.0.1", 0, null);
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("dashboard"));
        } finally {
            admin.stop();
        }
    }
}
