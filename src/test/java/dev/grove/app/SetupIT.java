package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.github.AppPrivateKey;
import dev.grove.testing.GitHubApiStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grove setup}: the page posts the manifest to GitHub's form, GitHub's redirect brings the code back, the code
 * is converted through the API (WireMock answering with GitHub's own example) and the settings are written where
 * {@code grove serve} reads them.
 */
class SetupIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    final GitHubApiStub github = new GitHubApiStub();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void walksTheManifestFlowAndWritesTheAppsSettings() throws Exception {
        JsonNode app = github.example("post_app-manifests_code_conversions.json", 201);
        github.stubJson("POST", "/app-manifests/c0de42/conversions", 201, app);
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_GITHUB_URL", "https://ghes.example.com");
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_PUBLIC_URL", "https://grove.example.org");
        Path folder = tmp.resolve("settings");
        try (Setup setup = Setup.start(env, folder, 0)) {
            String page = get("http://localhost:" + setup.port() + "/").body();
            Matcher form = Pattern.compile("action=\"([^\"]+)\"").matcher(page);
            assertTrue(form.find(), page);
            assertEquals("https://ghes.example.com/settings/apps/new?state=" + setup.state(), form.group(1));
            Matcher value = Pattern.compile("name=manifest value=\"([^\"]+)\"").matcher(page);
            assertTrue(value.find(), page);
            JsonNode manifest = JSON.readTree(value.group(1).replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
            assertEquals("https://grove.example.org/webhook", manifest.path("hook_attributes").path("url").asText());
            assertEquals("http://localhost:" + setup.port() + "/callback", manifest.path("redirect_url").asText());
            assertEquals("write", manifest.path("default_permissions").path("contents").asText());
            assertTrue(manifest.path("default_events").toString().contains("issue_comment"), manifest.toString());

            assertEquals(400, get("http://localhost:" + setup.port() + "/callback?code=c0de42&state=forged")
                    .statusCode(), "a code without this setup's state is refused");
            HttpResponse<String> back = get("http://localhost:" + setup.port() + "/callback?code=c0de42&state="
                    + setup.state());
            assertEquals(200, back.statusCode(), back.body());
            Setup.Registered r = setup.awaitRegistered(Duration.ofSeconds(5));
            assertEquals(app.path("id").asLong(), r.appId());
        }
        Path env1 = folder.resolve("grove.env");
        Path key = folder.resolve("app.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env1)));
        assertEquals(app.path("pem").asText(), Files.readString(key));
        Properties settings = new Properties();
        try (var in = Files.newBufferedReader(env1)) {
            settings.load(in);
        }
        assertEquals(app.path("id").asText(), settings.getProperty("GROVE_APP_ID"));
        assertEquals(app.path("webhook_secret").asText(), settings.getProperty("GROVE_WEBHOOK_SECRET"));
        assertEquals(key.toAbsolutePath().toString(), settings.getProperty("GROVE_PRIVATE_KEY_FILE"));
        // what grove serve reads: the same variables, and a key it can use
        Map<String, String> serveEnv = new HashMap<>();
        settings.forEach((k, v) -> serveEnv.put((String) k, (String) v));
        AppConfig config = AppConfig.fromEnv(serveEnv);
        assertEquals(app.path("id").asText(), config.appId());
        assertFalse(AppPrivateKey.read(config.privateKeyFile()).getModulus().toString().isEmpty());
        assertEquals(1, github.requests("POST", "/app-manifests/c0de42/conversions").size());
        github.assertNoUnmatchedRequests();
    }

    @Test
    void saysWhatGitHubAnsweredWhenTheCodeIsRefused() throws Exception {
        github.stubError("POST", "/app-manifests/stale/conversions", 422, "Validation Failed");
        try (Setup setup = Setup.start(Map.of("GROVE_GITHUB_API", github.baseUrl()), tmp, 0)) {
            HttpResponse<String> back = get("http://localhost:" + setup.port() + "/callback?code=stale&state="
                    + setup.state());
            assertEquals(502, back.statusCode());
            assertTrue(back.body().contains("422") && back.body().contains("Validation Failed"), back.body());
        }
        assertFalse(Files.exists(tmp.resolve("grove.env")));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
