package dev.grove.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code grove setup [folder]}: registers the GitHub App through GitHub's manifest flow
 * (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest). A page on
 * {@code http://localhost:<port>/} posts {@code app-manifest.yml}, as JSON, to GitHub's "new App" form; GitHub sends
 * the browser back to {@code /callback?code=...&state=...}; the code is exchanged through
 * {@code POST /app-manifests/{code}/conversions}, and the App's id, private key (mode 0600) and webhook secret are
 * written into {@code folder} as {@code app.pem} and {@code grove.env} (the variables {@code grove serve} reads).
 *
 * <p>Settings: {@code GROVE_GITHUB_URL} (the web UI, default {@code https://github.com}), {@code GROVE_GITHUB_API},
 * {@code GROVE_PUBLIC_URL} (where GitHub will reach Grove: the webhook goes to {@code <url>/webhook}),
 * {@code GROVE_SETUP_PORT} (default 3000), {@code GROVE_GITHUB_ORG} (register under an organization).
 */
public final class Setup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Setup.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What GitHub hands back for the code: the new App's credentials. */
    public record Registered(long appId, String slug, String htmlUrl, Path envFile, Path keyFile) {
    }

    private final Javalin http;
    private final String state = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final CompletableFuture<Registered> done = new CompletableFuture<>();

    private Setup(JsonNode manifest, String githubUrl, String githubApi, String org, Path folder, int port) {
        this.http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/", ctx -> {
                ObjectNode m = manifest.deepCopy();
                m.put("redirect_url", "http://localhost:" + ctx.port() + "/callback");
                ctx.contentType("text/html; charset=utf-8").result(page(formAction(githubUrl, org), m));
            });
            cfg.routes.get("/callback", ctx -> {
                String code = ctx.queryParam("code");
                if (code == null || code.isBlank() || !state.equals(ctx.queryParam("state"))) {
                    ctx.status(400).result("This is not GitHub's answer to this setup (no code, or another state).");
                    return;
                }
                try {
                    Registered r = exchange(githubApi, code, folder);
                    ctx.contentType("text/html; charset=utf-8").result("<!doctype html><meta charset=utf-8>"
                            + "<title>Grove is registered</title><h1>Grove is registered</h1><p>App <b>"
                            + esc(r.slug()) + "</b> (id " + r.appId() + "). Its settings are in <code>"
                            + esc(r.envFile().toString()) + "</code>.</p><p><a href=\"" + esc(r.htmlUrl())
                            + "/installations/new\">Install it on your repositories</a>, then start "
                            + "<code>grove serve</code> with those settings.</p>");
                    done.complete(r);
                } catch (IOException | RuntimeException e) {
                    ctx.status(502).result("GitHub did not convert the code: " + e.getMessage());
                    done.completeExceptionally(e);
                }
            });
        }).start("127.0.0.1", port);
    }

    /** Starts the local setup page; {@code port} 0 picks a free one. */
    public static Setup start(Map<String, String> env, Path folder, int port) throws IOException {
        JsonNode manifest = manifest(env);
        return new Setup(manifest, strip(env.getOrDefault("GROVE_GITHUB_URL", "https://github.com")),
                strip(env.getOrDefault("GROVE_GITHUB_API", "https://api.github.com")), env.get("GROVE_GITHUB_ORG"),
                folder, port);
    }

    /** The CLI: starts the page, says where to open it, waits for GitHub's answer (30 minutes at most). */
    static int run(String[] args, Map<String, String> env, PrintStream out) throws Exception {
        Path folder = Path.of(args.length > 1 ? args[1] : "grove-settings").toAbsolutePath();
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault("GROVE_SETUP_PORT", "3000").trim());
        } catch (NumberFormatException e) {
            log.error("Grove setup cannot start: GROVE_SETUP_PORT must be a port number, not '{}'.",
                    env.get("GROVE_SETUP_PORT"));
            return 2;
        }
        Setup setup;
        try {
            setup = start(env, folder, port);
        } catch (io.javalin.util.JavalinBindException e) {
            log.error("Grove setup cannot start: port {} is already in use; set GROVE_SETUP_PORT to a free port.", port);
            return 2;
        } catch (IllegalArgumentException e) {
            log.error("Grove setup cannot start: {}", e.getMessage());
            return 2;
        }
        try (setup) {
            out.println("Open http://localhost:" + setup.port() + "/ in a browser on this machine to register the "
                    + "GitHub App; the settings will be written to " + folder);
            Registered r = setup.awaitRegistered(Duration.ofMinutes(30));
            out.println("Registered App " + r.slug() + " (id " + r.appId() + "). Settings: " + r.envFile()
                    + "; key: " + r.keyFile() + ". Install it: " + r.htmlUrl() + "/installations/new");
            return 0;
        }
    }

    public int port() {
        return http.port();
    }

    /** The {@code state} GitHub must send back with the code (it guards the callback against other senders). */
    public String state() {
        return state;
    }

    public Registered awaitRegistered(Duration timeout) throws Exception {
        return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code app-manifest.yml} (GROVE_APP_MANIFEST, else the one in the jar) as JSON, with the public URL applied. */
    static JsonNode manifest(Map<String, String> env) throws IOException {
        String file = env.get("GROVE_APP_MANIFEST");
        JsonNode m;
        if (file != null && !file.isBlank()) {
            m = new YAMLMapper().readTree(Files.readString(Path.of(file)));
        } else {
            try (InputStream in = Setup.class.getResourceAsStream("/app-manifest.yml")) {
                if (in == null) throw new IllegalStateException("app-manifest.yml is missing from the jar");
                m = new YAMLMapper().readTree(in);
            }
        }
        String publicUrl = env.get("GROVE_PUBLIC_URL");
        if (publicUrl != null && !publicUrl.isBlank()) {
            ((ObjectNode) m.path("hook_attributes")).put("url", strip(publicUrl) + "/webhook");
            ((ObjectNode) m).put("url", strip(publicUrl));
        }
        return m;
    }

    private static String formAction(String githubUrl, String org) {
        return githubUrl + (org == null || org.isBlank() ? "/settings/apps/new"
                : "/organizations/" + URLEncoder.encode(org, StandardCharsets.UTF_8) + "/settings/apps/new");
    }

    private String page(String action, JsonNode manifest) {
        return "<!doctype html><meta charset=utf-8><title>Register Grove</title><h1>Register Grove as a GitHub App</h1>"
                + "<p>This sends Grove's manifest (its permissions and events) to GitHub, which asks you to confirm.</p>"
                + "<form id=manifest method=post action=\"" + esc(action) + "?state=" + state + "\">"
                + "<input type=hidden name=manifest value=\"" + esc(manifest.toString()) + "\">"
                + "<button type=submit>Create the GitHub App</button></form>";
    }

    /** {@code POST /app-manifests/{code}/conversions}, then the key (0600) and the env file (0600) in {@code folder}. */
    static Registered exchange(String githubApi, String code, Path folder) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(githubApi + "/app-manifests/"
                        + URLEncoder.encode(code, StandardCharsets.UTF_8) + "/conversions"))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() != 201) {
            throw new IOException("GitHub answered " + r.statusCode() + " to the code conversion: "
                    + JSON.readTree(r.body().isEmpty() ? "{}" : r.body()).path("message").asText(r.body()));
        }
        JsonNode app = JSON.readTree(r.body());
        long id = app.path("id").asLong();
        String pem = app.path("pem").asText("");
        String secret = app.path("webhook_secret").asText("");
        if (id <= 0 || pem.isBlank() || secret.isBlank()) {
            throw new IOException("GitHub's answer lacks the App's id, key or webhook secret");
        }
        Files.createDirectories(folder);
        Path key = folder.resolve("app.pem").toAbsolutePath();
        writePrivate(key, pem);
        Path env = folder.resolve("grove.env").toAbsolutePath();
        writePrivate(env, "# written by grove setup for the GitHub App " + app.path("slug").asText() + "\n"
                + "GROVE_APP_ID=" + id + "\n"
                + "GROVE_PRIVATE_KEY_FILE=" + key + "\n"
                + "GROVE_WEBHOOK_SECRET=" + secret + "\n");
        log.info("registered the GitHub App {} (id {}); settings written to {}", app.path("slug").asText(), id, env);
        return new Registered(id, app.path("slug").asText(), app.path("html_url").asText(), env, key);
    }

    /** Creates (or truncates) {@code file} readable by its owner only, before anything is written into it. */
    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    @Override
    public void close() {
        http.stop();
    }
}
