package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;
import dev.grove.model.RepoRef;
import dev.grove.metrics.GroveMetrics;
import dev.grove.pipeline.RunnerSettings;
import dev.grove.report.DashboardRenderer;
import dev.grove.store.FileStateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.queue.EventRouter;
import dev.grove.webhook.SignatureVerifier;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium: the tables render (screenshot pixels), the planner, revise and try agents
 * and the failed jobs show, each issue has its page, and a log line written after the page loaded appears in it
 * without a reload (the page polls {@code /tails}).
 */
class DashboardBrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final RepoRef REPO = new RepoRef("octo", "shop");

    @TempDir
    Path tmp;
    Javalin http;
    Path runningLog;
    final AtomicInteger pageBuilds = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) || "true".equals(System.getenv("CI")),
                "Debian's chromium is not installed at " + CHROMIUM);
        RunnerSettings settings = new RunnerSettings(tmp.resolve("data"), 3, Duration.ofMinutes(1), "grove/");
        FileStateStore store = new FileStateStore(settings.dataDir().resolve("state.json"));
        String[] titles = {"Add a discount rule", "Make search ignore case", "Write the release notes"};
        for (int i = 0; i < titles.length; i++) {
            TaskKey key = new TaskKey(REPO, 7, "task-" + (i + 1));
            store.saveTask(TaskRecord.queued(key, i + 1, titles[i])
                    .withStatus(i == 2 ? TaskStatus.FAILED : TaskStatus.PR_OPENED)
                    .withBranch("grove/7-task-" + (i + 1)).withElapsed(Duration.ofSeconds(42)));
            Files.createDirectories(settings.taskDir(key));
            Files.writeString(settings.taskDir(key).resolve("agent.log"), "agent of task " + (i + 1) + " <b>done</b>\n");
        }
        store.saveTask(TaskRecord.queued(new TaskKey(new RepoRef("octo", "docs"), 3, "other"), 1, "Elsewhere"));

        AgentActivity activity = new AgentActivity(Clock.systemUTC());
        Path issueDir = settings.issueDir(REPO, 7);
        run(activity, Map.of("GROVE_PLANNING", "1"), issueDir.resolve("plan/planner-1.log"), "planner said hi", false);
        run(activity, Map.of(), issueDir.resolve("task-1/revise.log"), "revise said hi", true);
        run(activity, Map.of(), issueDir.resolve("try-2/agent.log"), "attempt 2 said hi", false);
        runningLog = issueDir.resolve("try-3/agent.log");
        Files.createDirectories(runningLog.getParent());
        Files.writeString(runningLog, "live line 1\n");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread running = new Thread(() -> activity.tracking(req -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new AgentOutcome.Finished("", Duration.ZERO);
        }).run(request(Map.of(), runningLog)));
        running.setDaemon(true);
        running.start();
        while (activity.runs().stream().noneMatch(r -> r.running())) Thread.sleep(10);

        List<DashboardRenderer.FailedJob> failures = List.of(new DashboardRenderer.FailedJob(Instant.now(),
                "label 'grove' on octo/shop#7", "java.lang.IllegalStateException: the clone failed"));
        Dashboard dashboard = new Dashboard(store, settings, Clock.systemUTC(), new dev.grove.report.Redactor(List.of()), activity, () -> {
            // the second build of the issue page's data is the browser's first poll: a line arrives after it
            if (pageBuilds.incrementAndGet() == 2) {
                try {
                    Files.writeString(runningLog, "live line 2 <i>after load</i>\n", java.nio.file.StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return failures;
        });
        http = HttpServer.startAdmin(new GroveMetrics(), dashboard, "127.0.0.1", 0, null);
    }

    @AfterEach
    void stop() {
        if (http != null) http.stop();
    }

    private AgentRequest request(Map<String, String> extra, Path log) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("GROVE_REPOSITORY", "octo/shop",
                "GROVE_ISSUE_NUMBER", "7", "GROVE_TASK_TITLE", "Add a discount rule"));
        env.putAll(extra);
        return new AgentRequest(tmp, "p", tmp.resolve("prompt"), env, Duration.ofMinutes(1), log);
    }

    private void run(AgentActivity activity, Map<String, String> extra, Path log, String line, boolean revise)
            throws IOException {
        Files.createDirectories(log.getParent());
        Files.writeString(log, line + "\n");
        AgentRunner r = activity.tracking(req -> new AgentOutcome.Failed("exit 3", "", Duration.ZERO));
        if (revise) r.revise(request(extra, log), "session", "again");
        else r.run(request(extra, log));
    }

    @Test
    void theIssuePageRendersItsTablesAndShowsALogLineWrittenAfterItLoaded() throws Exception {
        String url = "http://localhost:" + http.port() + "/issues/octo/shop/7";
        String dom = chromium(List.of("--virtual-time-budget=15000", "--dump-dom", url));
        assertTrue(pageBuilds.get() >= 3, "the page polled /tails after loading: " + pageBuilds.get());
        Matcher updated = Pattern.compile("data-updated=\"(\\d+)\"").matcher(dom);
        assertTrue(updated.find() && Integer.parseInt(updated.group(1)) >= 2, dom);
        assertTrue(dom.contains("live line 2 &lt;i&gt;after load&lt;/i&gt;"), "the line written after the page loaded, "
                + "as text: " + dom);
        for (String t : List.of("Add a discount rule", "Make search ignore case", "Write the release notes")) {
            assertTrue(dom.contains(t), t + " in " + dom);
        }
        assertFalse(dom.contains("Elsewhere"), "another issue's task is not on this issue's page");
        assertEquals(3, count(dom, "<tr><td><a href=\"/issues/octo/shop/7\">"), "three task rows: " + dom);
        for (String kind : List.of("<td>planner</td>", "<td>revise</td>", "<td>try</td>")) {
            assertTrue(dom.contains(kind), kind + " in " + dom);
        }
        assertTrue(dom.contains("planner said hi") && dom.contains("attempt 2 said hi"), dom);
        assertTrue(dom.contains("id=\"failed-jobs\"") && dom.contains("the clone failed"), dom);
        assertTrue(dom.contains("agent of task 1 &lt;b&gt;done&lt;/b&gt;"), dom);
    }

    @Test
    void aScreenshotOfTheDashboardShowsTheTables() throws Exception {
        Path png = tmp.resolve("dashboard.png");
        chromium(List.of("--virtual-time-budget=3000", "--screenshot=" + png, "--window-size=1280,900",
                "http://localhost:" + http.port() + "/"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(900, image.getHeight());
        int headerCells = 0;
        int dark = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb == 0xf6f8fa) headerCells++; // th background
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r + g + b < 200) dark++; // text
            }
        }
        assertTrue(headerCells > 5_000, "the tables' header rows are painted: " + headerCells + " pixels");
        assertTrue(dark > 2_000, "text is painted: " + dark + " pixels");
    }

    private String chromium(List<String> args) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile-");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.err").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish");
        }
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("chromium.err")));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
