package dev.grove.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.WebhookFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orchestration overhead, parallel speed-up and memory, through {@code grove serve} in its own process
 * ({@code dev.grove.app.Main serve}) with WireMock as GitHub answering with GitHub's examples ({@link GitHubApiStub})
 * and a real bare origin ({@link GitFixtures}), driven by GitHub's signed {@code issues.labeled} payload
 * ({@link WebhookFixtures}), as in {@code IssueLabeledFlowIT}.
 *
 * <p>The agent is Grove's example agent (sleeps a fixed time, appends to one file), wrapped to write its start and
 * exit times. The floor runs the same agent command, N at once, in worktrees made by a plain {@code git worktree add}
 * loop, then {@code git commit} and {@code git push} per task: what is left when webhook, permission check, plan,
 * sync, pull requests and the tracking comment are taken away.
 */
public final class OrchestrationBench {
    static final String SECRET = "bench-webhook-secret";
    static final RepoRef REPO = new RepoRef("octo-org", "bench");
    static final long INSTALLATION = 4242;
    static final String LABELER = "Codertocat";
    static final Path EXAMPLE_AGENT = Path.of("src/main/resources/examples/example-agent.sh").toAbsolutePath();
    static final String AGENT = "date +%s%N > \"$BENCH_MARKS/$GROVE_ISSUE_NUMBER-$GROVE_TASK_NUMBER.start\"; "
            + "EXAMPLE_AGENT_SECONDS=%SECONDS% sh '" + EXAMPLE_AGENT + "'; rc=$?; "
            + "date +%s%N > \"$BENCH_MARKS/$GROVE_ISSUE_NUMBER-$GROVE_TASK_NUMBER.exit\"; exit $rc";
    static final Pattern TASK_BRANCH = Pattern.compile("-task-(\\d+)$");

    private final Path work;
    private final List<Integer> taskCounts;
    private final double agentSeconds;
    private final int runs;
    private int nextIssue = 100;

    public OrchestrationBench(Path work, List<Integer> taskCounts, double agentSeconds, int runs) {
        this.work = work;
        this.taskCounts = taskCounts;
        this.agentSeconds = agentSeconds;
        this.runs = runs;
    }

    /** One run's figures, in milliseconds. */
    record RunTimes(double allStarted, double exitToPrMedian, double exitToPrMax, double wall, double agentMedian) {
    }

    public List<MarkdownTable> run() throws Exception {
        Files.createDirectories(work);
        Path origin = GitFixtures.createOrigin(work);
        String agent = AGENT.replace("%SECONDS%", String.valueOf(agentSeconds));
        MarkdownTable t = new MarkdownTable("Orchestration: a labeled issue of N tasks through `grove serve`, "
                + "max_parallel = N",
                "N", "figure", "Grove", "floor: worktree loop + N agents + commit/push", "ratio");
        Stats groveIdle = new Stats();
        Stats groveBusy = new Stats();
        Stats grovePeak = new Stats();
        int busyN = taskCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        try (GitHubApiStub github = new GitHubApiStub()) {
            github.stubAccessToken(INSTALLATION, "ghs_benchInstallationToken0123456789",
                    Instant.now().plus(Duration.ofHours(2)));
            github.stubRepository(REPO);
            github.stubPermission(REPO, LABELER, "write");
            github.stubEmptyIssueThreads(REPO); // each task reads the issue's thread for its prompt
            github.stubListPulls(REPO);
            github.stubReactions(REPO); // the trigger label is acknowledged
            github.stubFileNotFound(REPO, ".github/grove.yml"); // no repository config: the defaults
            github.stubCreateCheckRun(REPO, 7001);
            github.stubUpdateCheckRun(REPO, 7001);
            github.stubCreatePull(REPO, new PullRequestRef(101, "https://github.com/" + REPO + "/pull/101"));
            for (int n : taskCounts) {
                List<RunTimes> grove = new ArrayList<>();
                Path marks = Files.createDirectories(work.resolve("marks-" + n));
                try (JvmProcess server = startGrove(github, n, agent, marks)) {
                    Thread.sleep(1000);
                    groveIdle.add(server.rssMiB());
                    if (runs > 1) { // a smoke run skips the warm-up
                        Bench.progress("orchestration: N=" + n + ", warm-up run");
                        runGrove(github, server, origin, n, marks, new double[1]);
                    }
                    for (int r = 0; r < runs; r++) {
                        Bench.progress("orchestration: N=" + n + ", run " + (r + 1) + "/" + runs);
                        double[] rss = new double[2];
                        grove.add(runGrove(github, server, origin, n, marks, rss));
                        if (n == busyN) {
                            if (!Double.isNaN(rss[0])) groveBusy.add(rss[0]);
                            grovePeak.add(rss[1]);
                        }
                    }
                }
                List<RunTimes> floor = new ArrayList<>();
                for (int r = 0; r < runs; r++) floor.add(runFloor(origin, n, agent, r));
                addRows(t, n, grove, floor);
            }
            github.assertNoUnmatchedRequests();
        }
        t.note("agent: Grove's example agent (`src/main/resources/examples/example-agent.sh`), sleeping "
                + agentSeconds + " s and appending to one file, wrapped to record its start and exit times");
        t.note("Grove: `java -cp … dev.grove.app.Main serve` in its own process, GitHub = WireMock answering with "
                + "GitHub's examples, origin = a local bare repository over file://; a signed `issues.labeled` "
                + "delivery starts each run (a new issue each time; with more than one run, a warm-up run first, not counted)");
        t.note("webhook → all agents started: from sending the delivery to the last agent's start; exit → PR request: "
                + "from an agent's exit to Grove's `POST /pulls` for that task (per run: median and slowest task); "
                + "wall: from the delivery to the tracking comment's final edit (the floor: to the last push)");
        t.note("the floor leaves out what only Grove does: webhook, permission check, plan, fetch, the pull request "
                + "and tracking comment calls; its exit → PR is exit → pushed");
        t.note("speed-up = N × agent time / wall (ideal N); efficiency = speed-up / N (ideal 1)");
        t.note("median (min–max) over " + runs + " runs; ratio = Grove / floor");

        MarkdownTable m = memory(groveIdle, groveBusy, grovePeak, busyN);
        return List.of(t, m);
    }

    private JvmProcess startGrove(GitHubApiStub github, int n, String agent, Path marks) throws Exception {
        int port = JvmProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_PORT", String.valueOf(port));
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", BenchKeys.writePrivateKey(work.resolve("app.pem")).toString());
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_DATA_DIR", work.resolve("data-" + n).toString());
        env.put("GROVE_MAX_PARALLEL", String.valueOf(n));
        env.put("GROVE_AGENT_TIMEOUT", "120s");
        env.put("GROVE_AGENT_COMMAND", agent);
        env.put("GROVE_AGENT_ENV", "BENCH_MARKS");
        env.put("BENCH_MARKS", marks.toString());
        // the sandboxed agents write their marks there: the one folder outside their worktrees they may write
        Files.setPosixFilePermissions(marks, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        env.put("GROVE_SANDBOX_BIND", marks.toString());
        return JvmProcess.start("dev.grove.app.Main", List.of("serve"), env, port, work.resolve("grove-" + n + ".log"));
    }

    static String issueBody(int n) {
        StringBuilder b = new StringBuilder("Benchmark run: one file per task.\n\n");
        for (int k = 1; k <= n; k++) b.append("- [ ] Task ").append(k).append("\n  paths: src/t").append(k).append("/**\n");
        return b.toString();
    }

    /** One labeled issue through the server; rss gets {VmRSS when every agent had started, peak VmRSS}. */
    private RunTimes runGrove(GitHubApiStub github, JvmProcess server, Path origin, int n, Path marks, double[] rss)
            throws Exception {
        int issue = nextIssue++;
        long comment = 90_000L + issue;
        github.stubCreateIssueComment(REPO, issue, comment);
        github.stubEditIssueComment(REPO, comment);
        byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin),
                issue, "Benchmark " + issue, issueBody(n), "grove", INSTALLATION));
        long sent = System.currentTimeMillis();
        HttpResponse<String> r = WebhookFixtures.deliver(URI.create("http://127.0.0.1:" + server.port()), "issues",
                "bench-" + issue, body, SECRET);
        if (r.statusCode() != 202) throw new IllegalStateException("Grove answered " + r.statusCode() + ": " + r.body());
        String editPath = "/repos/" + REPO.fullName() + "/issues/comments/" + comment;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Long done = null;
        double peak = 0;
        double busy = Double.NaN;
        while (done == null) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("issue " + issue + " did not finish");
            double now = server.rssMiB();
            peak = Math.max(peak, now);
            if (Double.isNaN(busy) && countMarks(marks, issue, ".start") == n) {
                busy = now;
            }
            done = doneAt(github, editPath);
            if (done == null) Thread.sleep(25);
        }
        rss[0] = busy;
        if (rss.length > 1) rss[1] = peak;
        Map<Integer, Long> prAt = pullRequestTimes(github, issue);
        if (prAt.size() != n) {
            var edits = github.requests("PATCH", editPath);
            throw new IllegalStateException("issue " + issue + ": " + prAt.size() + " PRs of " + n + "; the tracking "
                    + "comment: " + (edits.isEmpty() ? "none" : edits.get(edits.size() - 1).body().path("body").asText()));
        }
        List<Double> starts = new ArrayList<>();
        List<Double> exitToPr = new ArrayList<>();
        List<Double> agentTimes = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            double start = mark(marks, issue + "-" + k + ".start");
            double exit = mark(marks, issue + "-" + k + ".exit");
            starts.add(start - sent);
            exitToPr.add(prAt.get(k) - exit);
            agentTimes.add(exit - start);
        }
        return new RunTimes(max(starts), Stats.percentile(exitToPr, 50), max(exitToPr), done - sent,
                Stats.percentile(agentTimes, 50));
    }

    /** When the tracking comment was last edited to say the run is done (ms since the epoch), or null. */
    static Long doneAt(GitHubApiStub github, String editPath) {
        for (ServeEvent e : github.server().getAllServeEvents()) {
            if (e.getRequest().getMethod().value().equals("PATCH") && e.getRequest().getUrl().equals(editPath)
                    && e.getRequest().getBodyAsString().contains("(done)")) {
                return e.getRequest().getLoggedDate().getTime();
            }
        }
        return null;
    }

    /** Task number → when Grove sent its {@code POST /pulls} (ms since the epoch). */
    private static Map<Integer, Long> pullRequestTimes(GitHubApiStub github, int issue) throws IOException {
        Map<Integer, Long> at = new HashMap<>();
        for (ServeEvent e : github.server().getAllServeEvents()) {
            if (!e.getRequest().getMethod().value().equals("POST") || !e.getRequest().getUrl().endsWith("/pulls")) continue;
            JsonNode pr = WebhookFixtures.JSON.readTree(e.getRequest().getBodyAsString());
            String head = pr.path("head").asText();
            Matcher m = TASK_BRANCH.matcher(head);
            if (head.startsWith("grove/" + issue + "-") && m.find()) {
                at.put(Integer.parseInt(m.group(1)), e.getRequest().getLoggedDate().getTime());
            }
        }
        return at;
    }

    /** The floor: a worktree loop, then the same agent command N at once, each followed by commit and push. */
    private RunTimes runFloor(Path origin, int n, String agent, int run) throws Exception {
        Path dir = work.resolve("floor-" + n + "-" + run);
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Path bare = dir.resolve("clone.git");
        GitFixtures.runGit(work, "clone", "--quiet", "--bare", GitFixtures.fileUrl(origin), bare.toString());
        String issue = "9" + n + run;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        long t0 = System.currentTimeMillis();
        try {
            List<Path> trees = new ArrayList<>();
            for (int k = 1; k <= n; k++) {
                Path wt = dir.resolve("t" + k);
                GitFixtures.runGit(bare, "worktree", "add", "--quiet", "--no-track", "-b", "floor/" + issue + "-" + k,
                        wt.toString(), "main");
                trees.add(wt);
            }
            List<Future<Long>> pushed = new ArrayList<>();
            for (int k = 1; k <= n; k++) {
                int task = k;
                Path wt = trees.get(k - 1);
                pushed.add(pool.submit(() -> {
                    ProcessBuilder pb = new ProcessBuilder("sh", "-c", agent).directory(wt.toFile())
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    pb.environment().putAll(Map.of("BENCH_MARKS", marks.toString(), "GROVE_ISSUE_NUMBER", issue,
                            "GROVE_TASK_NUMBER", String.valueOf(task), "GROVE_TASK_TITLE", "Task " + task,
                            "GROVE_TASK_PATHS", "src/t" + task + "/**"));
                    Process p = pb.start();
                    p.getOutputStream().write(issueBody(n).getBytes(StandardCharsets.UTF_8));
                    p.getOutputStream().close();
                    if (p.waitFor() != 0) throw new IllegalStateException("the floor's agent failed");
                    GitFixtures.runGit(wt, "add", "--all");
                    GitFixtures.runGit(wt, "commit", "--quiet", "-m", "Task " + task);
                    GitFixtures.runGit(wt, "push", "--quiet", "origin", "HEAD:refs/heads/floor/" + issue + "-" + task);
                    return System.currentTimeMillis();
                }));
            }
            List<Double> starts = new ArrayList<>();
            List<Double> exitToPush = new ArrayList<>();
            List<Double> agentTimes = new ArrayList<>();
            double last = 0;
            for (int k = 1; k <= n; k++) {
                long at = pushed.get(k - 1).get(120, TimeUnit.SECONDS);
                double start = mark(marks, issue + "-" + k + ".start");
                double exit = mark(marks, issue + "-" + k + ".exit");
                starts.add(start - t0);
                exitToPush.add(at - exit);
                agentTimes.add(exit - start);
                last = Math.max(last, at);
            }
            return new RunTimes(max(starts), Stats.percentile(exitToPush, 50), max(exitToPush), last - t0,
                    Stats.percentile(agentTimes, 50));
        } finally {
            pool.shutdownNow();
            Disk.remove(dir);
        }
    }

    private void addRows(MarkdownTable t, int n, List<RunTimes> grove, List<RunTimes> floor) {
        String N = String.valueOf(n);
        row(t, N, "webhook → all agents started (ms)", grove, floor, RunTimes::allStarted, "%.0f");
        row(t, N, "agent exit → PR request, median task (ms)", grove, floor, RunTimes::exitToPrMedian, "%.0f");
        row(t, N, "agent exit → PR request, slowest task (ms)", grove, floor, RunTimes::exitToPrMax, "%.0f");
        row(t, N, "wall (s)", grove, floor, x -> x.wall() / 1000, "%.2f");
        row(t, N, "N × agent time (s)", grove, floor, x -> n * x.agentMedian() / 1000, "%.2f");
        row(t, N, "speed-up (N × agent / wall)", grove, floor, x -> n * x.agentMedian() / x.wall(), "%.2f");
        row(t, N, "parallel efficiency", grove, floor, x -> x.agentMedian() / x.wall(), "%.2f");
    }

    private static void row(MarkdownTable t, String n, String figure, List<RunTimes> grove, List<RunTimes> floor,
            java.util.function.ToDoubleFunction<RunTimes> f, String format) {
        Stats g = new Stats();
        Stats fl = new Stats();
        grove.forEach(x -> g.add(f.applyAsDouble(x)));
        floor.forEach(x -> fl.add(f.applyAsDouble(x)));
        t.row(n, figure, g.show(format), fl.show(format), Stats.ratio(g, fl));
    }

    private MarkdownTable memory(Stats groveIdle, Stats groveBusy, Stats grovePeak, int busyN) throws Exception {
        Stats floorIdle = new Stats();
        for (int r = 0; r < Math.max(1, Math.min(runs, 3)); r++) {
            int port = JvmProcess.freePort();
            try (JvmProcess bare = JvmProcess.start(BareJavalinServer.class.getName(), List.of(String.valueOf(port)),
                    Map.of(), port, work.resolve("bare-" + r + ".log"))) {
                Thread.sleep(1000);
                floorIdle.add(bare.rssMiB());
            }
        }
        MarkdownTable m = new MarkdownTable("Memory: resident memory of `grove serve` (agents excluded)",
                "figure", "Grove (MiB)", "floor: bare Javalin process, idle (MiB)", "ratio");
        m.row("idle, 1 s after start", groveIdle.show("%.0f"), floorIdle.show("%.0f"), Stats.ratio(groveIdle, floorIdle));
        m.row(busyN + " tasks running (first sample after every agent started)", groveBusy.show("%.0f"), floorIdle.show("%.0f"),
                Stats.ratio(groveBusy, floorIdle));
        m.row("peak during a run of " + busyN + " tasks", grovePeak.show("%.0f"), floorIdle.show("%.0f"),
                Stats.ratio(grovePeak, floorIdle));
        m.note("VmRSS from /proc/<pid>/status of the server's own JVM process (agents and git are child processes "
                + "with their own memory, not counted), sampled every 25 ms during the runs of the orchestration "
                + "benchmark; same JVM and flags for both (no -Xmx: the JVM's default heap sizing)");
        m.note("idle: one sample per server process started (" + groveIdle.count() + " for Grove, "
                + floorIdle.count() + " for the floor); running: one per run; median (min–max)");
        return m;
    }

    private static long countMarks(Path marks, int issue, String suffix) throws IOException {
        try (var files = Files.list(marks)) {
            return files.filter(p -> p.getFileName().toString().startsWith(issue + "-")
                    && p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    /** A time an agent wrote ({@code date +%s%N}), in ms since the epoch. */
    private static double mark(Path marks, String name) throws IOException {
        return Long.parseLong(Files.readString(marks.resolve(name)).strip()) / 1e6;
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
