package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import dev.grove.testing.AnthropicStandIn;
import dev.grove.testing.DockerDaemon;
import dev.grove.testing.DockerDaemon.Result;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grove's image, built from the Dockerfile and run for real under a {@code dockerd} the test starts: the base is a
 * debootstrapped Debian standing in for {@code debian:bookworm-slim} (no registry is reachable here), and the jar is
 * the one this build packaged ({@code JAR_STAGE=context}). It runs {@code grove demo}, then {@code grove serve} as the
 * image's non-root user with the sandbox's {@code docker run} options, answering a signed {@code issues.labeled}
 * delivery: the image's own Claude Code CLI (against {@link AnthropicStandIn} on this host) writes the task, Grove
 * pushes it to an origin mounted into the container and opens the PR on a WireMock GitHub, reached over the bridge.
 *
 * <p>Runs when Docker can start here; with {@code CI=true} it must. State (base image, layers) is kept in
 * {@code grove.docker.dir} (default {@code ~/.cache/grove-docker-it}), so later runs only rebuild the jar's layer.
 */
class DockerImageIT {
    static final String IMAGE = "grove-it/grove:test";
    static final String SECRET = "image-webhook-secret";
    static final String API_KEY = "sk-ant-image-key-0123456789";
    static final RepoRef REPO = new RepoRef("octo-org", "shop");
    static final long INSTALLATION = 4242;
    static final int ISSUE = 7;
    static final String BRANCH = "grove/7-write-the-notes";
    /** What the README promises for Grove's JVM in the image (heap capped at 256 MiB by the image's options). */
    static final long JVM_RESIDENT_LIMIT_MIB = 384;
    static final List<String> SANDBOX_OPTIONS = List.of("--security-opt", "seccomp=unconfined", "--security-opt",
            "apparmor=unconfined", "--security-opt", "systempaths=unconfined");

    static DockerDaemon docker;
    static final Instant started = Instant.now();

    @TempDir
    Path tmp;

    @BeforeAll
    static void buildImage() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        String why = DockerDaemon.whyNot();
        if (why == null && !ci && "1".equals(System.getenv("GROVE_SKIP_DOCKER_IT"))) why = "GROVE_SKIP_DOCKER_IT=1";
        if (why != null) {
            if (ci) fail("CI=true, and Docker cannot start here: " + why);
            System.out.println("[grove] Docker cannot start here (" + why + "): skipping the image test");
            Assumptions.abort("Docker cannot start here: " + why);
        }
        Path jar = Path.of(System.getProperty("grove.jar", "target/grove.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the packaged jar " + jar + " (mvn package runs before the ITs)");
        Path dir = Path.of(System.getProperty("grove.docker.dir",
                Path.of(System.getProperty("user.home"), ".cache", "grove-docker-it").toString()));
        docker = DockerDaemon.start(dir);
        timed("dockerd started");
        docker.debianBase();
        timed("Debian base ready (" + DockerDaemon.DEBIAN_BASE + ")");
        docker.docker(Duration.ofMinutes(20), "build", "--build-arg", "RUNTIME_IMAGE=" + DockerDaemon.DEBIAN_BASE,
                "--build-arg", "JAR_STAGE=context", "-t", IMAGE, Path.of("").toAbsolutePath().toString())
                .orFail("docker build");
        docker.docker(Duration.ofMinutes(2), "image", "prune", "-f");
        timed("image built");
    }

    @AfterAll
    static void stopDocker() {
        if (docker != null) docker.close();
        timed("done");
    }

    @Test
    void theImageRunsAsANonRootUserUnderTiniWithTheToolsAndAHealthcheck() throws Exception {
        JsonNode config = new ObjectMapper().readTree(docker.docker(Duration.ofSeconds(30), "image", "inspect", IMAGE)
                .orFail("docker image inspect").output()).get(0).path("Config");
        assertEquals("grove", config.path("User").asText());
        assertEquals("/usr/bin/tini", config.path("Entrypoint").get(0).asText());
        assertTrue(config.path("Healthcheck").path("Test").toString().contains("/healthz"), config.toString());
        String tools = docker.docker(Duration.ofMinutes(1), "run", "--rm", "--entrypoint", "sh", IMAGE, "-c",
                "id -u; claude --version; git --version; bwrap --version; socat -V | grep 'socat version'; java -version 2>&1")
                .orFail("the tools").output();
        String claude = System.getProperty("grove.claude.version", "2.1.197");
        assertTrue(tools.startsWith("10001\n") && tools.contains(claude + " (Claude Code)") && tools.contains("git version")
                && tools.contains("bubblewrap") && tools.contains("socat version") && tools.contains("version \"17."), tools);
        timed("image inspected");
    }

    @Test
    void grovesDemoRunsInTheImage() {
        // the demo's agents run in the sandbox too, so the container gets the options the README gives for it
        Result demo = docker.docker(Duration.ofMinutes(5), "run", "--rm", "--security-opt", "seccomp=unconfined",
                "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined", IMAGE, "demo");
        assertEquals(0, demo.exit(), demo.output());
        assertTrue(demo.output().contains("Origin's main is untouched"), demo.output());
        timed("demo ran in the image");
    }

    @Test
    void serveAnswersASignedWebhookWithTheImagesClaudeCodeAsANonRootUserInTheSandboxOptions() throws Exception {
        String gateway = docker.gateway();
        try (GitHubApiStub github = new GitHubApiStub(); AnthropicStandIn anthropic = new AnthropicStandIn("0.0.0.0")) {
            github.stubAccessToken(INSTALLATION, "ghs_imageInstallationToken0123456789", Instant.now().plusSeconds(3600));
            github.stubRepository(REPO);
            github.stubPermission(REPO, "Codertocat", "write");
            github.stubEmptyIssueThreads(REPO); // the prompt carries the thread: none here
            github.stubCreateIssueComment(REPO, ISSUE, 9001);
            github.stubEditIssueComment(REPO, 9001);
            github.stubListPulls(REPO);
            github.stubFileNotFound(REPO, ".github/grove.yml");
            github.stubCreateCheckRun(REPO, 7001);
            github.stubUpdateCheckRun(REPO, 7001);
            github.stubCreatePull(REPO, BRANCH, new PullRequestRef(101, "https://github.com/" + REPO + "/pull/101"));

            // the container's user (uid 10001) owns what it must write or read: the origin, the key
            Path origin = GitFixtures.createOrigin(tmp);
            Path key = Files.writeString(tmp.resolve("app.pem"), privateKeyPem());
            Path agents = Files.writeString(tmp.resolve("agents.yml"), """
                    default: claude
                    agents:
                      claude:
                        kind: claude-code
                        args: [--model, claude-sonnet-4-5]
                        env: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL]
                        timeout: 2m
                        max_turns: 10
                    """);
            // secrets go in an env file, not on docker's command line
            Path envFile = Files.writeString(tmp.resolve("grove.env"), String.join("\n",
                    "GROVE_APP_ID=12345", "GROVE_WEBHOOK_SECRET=" + SECRET,
                    "GROVE_GITHUB_API=http://" + gateway + ":" + github.server().port(),
                    "GROVE_AGENTS_FILE=/etc/grove/agents.yml", "GROVE_AGENT_TIMEOUT=120s",
                    "ANTHROPIC_API_KEY=" + API_KEY, "ANTHROPIC_BASE_URL=http://" + gateway + ":" + anthropic.port()) + "\n");
            run("chown", "-R", "10001:10001", origin.toString(), key.toString());

            String name = "grove-it-serve-" + ProcessHandle.current().pid();
            List<String> args = new java.util.ArrayList<>(List.of("run", "-d", "--name", name));
            args.addAll(SANDBOX_OPTIONS);
            args.addAll(List.of("-p", "127.0.0.1::8080", "--health-interval", "2s", "--env-file", envFile.toString(),
                    "-v", key + ":/secrets/app.pem:ro", "-v", agents + ":/etc/grove/agents.yml:ro",
                    "-v", origin + ":/srv/origin.git", IMAGE));
            docker.docker(Duration.ofMinutes(1), args.toArray(String[]::new)).orFail("docker run serve");
            try {
                String hostPort = docker.docker(Duration.ofSeconds(30), "port", name, "8080").orFail("docker port")
                        .output().trim().replaceAll("(?s).*:(\\d+).*", "$1");
                URI base = URI.create("http://127.0.0.1:" + hostPort);
                await(Duration.ofSeconds(60), () -> get(base.resolve("/healthz")) == 200, "GET /healthz answers 200", name);
                timed("serve answers /healthz");

                // PID 1 is tini; Grove's JVM is its child, running as uid 10001
                assertEquals("tini", exec(name, "cat", "/proc/1/comm").trim());
                Map<String, String> jvm = jvmStatus(name);
                assertEquals("1", jvm.get("PPid"), "the JVM is tini's child: " + jvm);
                assertTrue(jvm.get("Uid").startsWith("10001"), "the JVM runs as uid 10001: " + jvm);

                // bubblewrap works in the container as its non-root user with these options: own PID namespace, fresh /proc
                // (under a shell: --die-with-parent follows the thread that started bwrap, and docker exec's ends at once)
                String sandboxed = exec(name, "sh", "-c", "bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev"
                        + " --proc /proc sh -c 'id -u; echo $$; ls /proc | grep -c \"^[0-9]\"'");
                List<String> lines = sandboxed.lines().toList();
                assertEquals("10001", lines.get(0), sandboxed);
                assertTrue(Integer.parseInt(lines.get(1)) < 10 && Integer.parseInt(lines.get(2)) < 10,
                        "its own PID namespace: " + sandboxed);

                // an unsigned delivery is refused; a signed one runs the task with the image's claude CLI
                byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(),
                        "file:///srv/origin.git", ISSUE, "Release prep", "- [ ] Write the notes\n  paths: NOTES.md\n",
                        "grove", INSTALLATION));
                assertEquals(401, WebhookFixtures.deliver(base, "issues", "image-unsigned", body, null).statusCode());
                assertEquals(202, WebhookFixtures.deliver(base, "issues", "image-1", body, SECRET).statusCode());
                await(Duration.ofSeconds(180), () -> github.requests("PATCH", "/repos/octo-org/shop/check-runs/7001")
                        .stream().anyMatch(r -> r.body().has("conclusion")), "the task's check run completed", name);
                timed("the labeled issue ran in the container");
                run("chown", "-R", "0:0", origin.toString()); // back to this (root) process, for git's ownership check

                assertEquals("written by claude through grove", GitFixtures.runGit(origin, "show", BRANCH + ":NOTES.md"));
                assertEquals(API_KEY, anthropic.messages().get(0).apiKey(), "the image's claude CLI called the API");
                assertEquals(1, github.requests("POST", "/repos/octo-org/shop/pulls").size());
                github.assertRequestBodiesMatchSchemas();

                await(Duration.ofSeconds(60), () -> docker.docker(Duration.ofSeconds(10), "inspect", "-f",
                        "{{.State.Health.Status}}", name).output().trim().equals("healthy"), "Docker's HEALTHCHECK: healthy", name);

                long hwmMib = Long.parseLong(jvmStatus(name).get("VmHWM").replaceAll("\\D", "")) / 1024;
                System.out.println("[grove] the JVM's peak resident memory in the image: " + hwmMib + " MiB");
                assertTrue(hwmMib < JVM_RESIDENT_LIMIT_MIB, "the JVM peaked at " + hwmMib + " MiB");

                // docker stop: tini hands SIGTERM to the JVM, which exits at once (143), not at the kill 20 s later
                Instant stop = Instant.now();
                docker.docker(Duration.ofMinutes(1), "stop", "-t", "20", name).orFail("docker stop");
                Duration took = Duration.between(stop, Instant.now());
                assertEquals("143", docker.docker(Duration.ofSeconds(10), "inspect", "-f", "{{.State.ExitCode}}", name)
                        .output().trim());
                assertTrue(took.toSeconds() < 15, "stopped in " + took);
                timed("serve stopped");
            } catch (Throwable t) {
                System.out.println("[grove] container log:\n" + docker.docker(Duration.ofSeconds(30), "logs", name).output());
                throw t;
            } finally {
                docker.docker(Duration.ofSeconds(60), "rm", "-f", name);
            }
        }
    }

    private static Map<String, String> jvmStatus(String container) {
        String out = exec(container, "sh", "-c",
                "for s in /proc/[0-9]*/status; do grep -q '^Name:[[:space:]]*java$' \"$s\" && cat \"$s\"; done; true");
        Map<String, String> status = out.lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).trim(),
                        (a, b) -> a));
        assertTrue(status.containsKey("Pid"), "found the JVM in the container: " + out);
        return status;
    }

    private static String exec(String container, String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return docker.docker(Duration.ofMinutes(1), args.toArray(String[]::new)).orFail("docker exec " + String.join(" ", command))
                .output();
    }

    private static int get(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void await(Duration timeout, BooleanSupplier condition, String what, String container)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                String state = docker.docker(Duration.ofSeconds(10), "inspect", "-f", "{{json .State}}", container).output();
                fail("not within " + timeout + ": " + what + "\ncontainer state: " + state);
            }
            Thread.sleep(500);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static String privateKeyPem() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void timed(String step) {
        System.out.printf("[grove] DockerImageIT %5.1fs  %s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0,
                step);
    }
}
