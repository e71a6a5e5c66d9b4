package dev.grove.bench;

import dev.grove.app.GroveServerSeam;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.GroveProcess;
import dev.grove.testing.TestDatabases;
import dev.grove.testing.WebhookFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarks of the shipped jar as its own process ({@link GroveProcess}: {@code java -jar target/grove.jar serve}),
 * with WireMock as GitHub ({@link GitHubApiStub}, GitHub's examples), a local bare origin and Grove's example agent,
 * wrapped to note its start and exit times (as in {@link OrchestrationBench}):
 * <ul>
 * <li>{@link #rss}: resident memory with N tasks running, under the JVM options the image ships
 * ({@code JDK_JAVA_OPTIONS} in the Dockerfile, which the README quotes), beside a bare Javalin process under the same;
 * <li>{@link #scaleOut}: the wall time of the same tasks with one process and with two on one PostgreSQL.
 * </ul>
 */
public final class ProcessBench {
    static final String SECRET = "bench-webhook-secret";
    static final RepoRef REPO = new RepoRef("octo-org", "bench");
    static final long INSTALLATION = 4242;
    static final String LABELER = "Codertocat";
    /** The durable queue's line when a process starts a job (an issue's run, here). */
    private static final Pattern RUNNING = Pattern.compile("delivery \\S+: running ");
    private static final Pattern IMAGE_OPTIONS = Pattern.compile("JDK_JAVA_OPTIONS=\"([^\"]+)\"");

    private final Path work;
    private int nextIssue = 300;

    public ProcessBench(Path work) {
        this.work = work;
    }

    // ---- RSS with N tasks running ------------------------------------------------------------------------------

    /** {@code tasks} tasks of one issue at once ({@code GROVE_MAX_PARALLEL = tasks}), each agent sleeping. */
    public List<MarkdownTable> rss(int tasks, double agentSeconds) throws Exception {
        Files.createDirectories(work);
        String options = imageJavaOptions();
        boolean readmeSays = readmeQuotes(options);
        Path origin = GitFixtures.createOrigin(work);
        Path marks = marksDir("rss-marks");
        double idle;
        double allRunning = Double.NaN;
        double peak = 0;
        long samplesAllRunning = 0;
        int started;
        try (GitHubApiStub github = github()) {
            Map<String, String> env = env(github, "data-rss", tasks, agentSeconds, marks);
            env.put("JDK_JAVA_OPTIONS", options); // exactly as the image runs it: no other JVM option
            try (GroveProcess grove = GroveProcess.serve(List.of(), env, work.resolve("logs-rss"))) {
                Thread.sleep(2000);
                idle = rssMiB(grove.pid());
                int issue = nextIssue++;
                stubIssue(github, issue);
                deliver(grove, issue, origin, tasks);
                String edit = editPath(issue);
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (OrchestrationBench.doneAt(github, edit) == null) {
                    if (System.nanoTime() > deadline || !grove.isAlive()) {
                        throw new IllegalStateException("the run of " + tasks + " tasks did not finish:\n"
                                + tail(grove.output()));
                    }
                    double now = rssMiB(grove.pid());
                    peak = Math.max(peak, now);
                    if (marks(marks, issue, ".start") == tasks && marks(marks, issue, ".exit") == 0) {
                        if (Double.isNaN(allRunning)) allRunning = now;
                        samplesAllRunning++;
                    }
                    Thread.sleep(25);
                }
                started = (int) marks(marks, issue, ".start");
                if (started != tasks) throw new IllegalStateException(started + " agents started of " + tasks);
            }
            github.assertNoUnmatchedRequests();
        }
        double floor;
        int port = JvmProcess.freePort();
        try (JvmProcess bare = JvmProcess.start(BareJavalinServer.class.getName(), List.of(String.valueOf(port)),
                Map.of("JDK_JAVA_OPTIONS", options), port, work.resolve("bare-rss.log"))) {
            Thread.sleep(2000);
            floor = rssMiB(bare.pid());
        }
        MarkdownTable t = new MarkdownTable("Resident memory of `java -jar grove.jar serve` with " + tasks
                + " tasks running, under the image's JVM options",
                "figure", "Grove (MiB)", "floor: bare Javalin, idle, same options (MiB)", "ratio", "aim");
        t.row("idle, 2 s after start", f1(idle), f1(floor), ratio(idle, floor), "");
        t.row("all " + tasks + " agents running (first sample)", f1(allRunning), f1(floor), ratio(allRunning, floor),
                "");
        t.row("peak from the webhook to the run's end", f1(peak), f1(floor), ratio(peak, floor),
                "< 256 MiB: " + (peak < 256 ? "met" : "NOT met"));
        t.note("JVM options: `JDK_JAVA_OPTIONS=\"" + options + "\"` read from the Dockerfile"
                + (readmeSays ? " (the README's Memory section quotes the same)" : " (the README's Memory section "
                        + "quotes DIFFERENT options)") + ", and no other option: `java -jar target/grove.jar serve`");
        t.note("one labeled issue of " + tasks + " tasks, GROVE_MAX_PARALLEL=" + tasks + ", Grove's example agent "
                + "sleeping " + agentSeconds + " s in the bubblewrap sandbox; " + samplesAllRunning + " samples with "
                + "all " + tasks + " agents running; GitHub = WireMock, origin = a local bare repository");
        t.note("VmRSS of the Grove JVM alone (/proc/<pid>/status; the agents and git are other processes), sampled "
                + "every 25 ms; one run");
        return List.of(t);
    }

    /** The Dockerfile's {@code JDK_JAVA_OPTIONS}: what the image runs Grove with. */
    static String imageJavaOptions() throws IOException {
        Matcher m = IMAGE_OPTIONS.matcher(Files.readString(Path.of("Dockerfile")));
        if (!m.find()) throw new IllegalStateException("the Dockerfile sets no JDK_JAVA_OPTIONS");
        return m.group(1).strip();
    }

    private static boolean readmeQuotes(String options) throws IOException {
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        return readme.contains(options.replaceAll("\\s+", " "));
    }

    // ---- two processes against one -----------------------------------------------------------------------------

    /**
     * {@code issues} labeled issues of {@code tasksPerIssue} tasks, with one {@code grove serve} and then with two on
     * one PostgreSQL (a fresh schema each), {@code GROVE_MAX_PARALLEL = maxParallel} on each; the agent sleeps a
     * fixed time, so the ideal wall time is known: waves of issues (each process runs {@code LONG_JOB_THREADS} issue
     * runs at once) × waves of tasks within an issue × the agent's time.
     */
    public List<MarkdownTable> scaleOut(int issues, int tasksPerIssue, int maxParallel, double agentSeconds)
            throws Exception {
        Files.createDirectories(work);
        Path origin = GitFixtures.createOrigin(work);
        int jobThreads = GroveServerSeam.longJobThreads();
        Map<Integer, double[]> result = new TreeMap<>(); // processes → {wall, ideal}
        Map<Integer, String> checks = new TreeMap<>();
        Map<Integer, String> shares = new TreeMap<>(); // processes → issue runs per process
        Map<Integer, double[]> agents = new TreeMap<>(); // processes → {last agent start after t0, median agent time} (s)
        try (GitHubApiStub github = github()) {
            for (int processes : List.of(1, 2)) {
                Bench.progress("scale-out: " + processes + " process" + (processes == 1 ? "" : "es") + ", "
                        + issues * tasksPerIssue + " tasks");
                Path marks = marksDir("scale-marks-" + processes);
                String url = TestDatabases.postgresUrlWithSchema(TestDatabases.freshSchema());
                List<GroveProcess> grove = new ArrayList<>();
                try {
                    for (int p = 1; p <= processes; p++) {
                        Map<String, String> env = env(github, "data-scale-" + processes + "-" + p, maxParallel,
                                agentSeconds, marks);
                        env.put("GROVE_DATABASE_URL", url);
                        grove.add(GroveProcess.serve(env, work.resolve("logs-scale-" + processes + "-" + p)));
                    }
                    List<Integer> numbers = new ArrayList<>();
                    for (int i = 0; i < issues; i++) {
                        int issue = nextIssue++;
                        numbers.add(issue);
                        stubIssue(github, issue);
                    }
                    long t0 = System.currentTimeMillis();
                    for (int i = 0; i < issues; i++) {
                        deliver(grove.get(i % processes), numbers.get(i), origin, tasksPerIssue);
                    }
                    long last = 0;
                    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                    for (int issue : numbers) {
                        Long done;
                        while ((done = OrchestrationBench.doneAt(github, editPath(issue))) == null) {
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException("issue " + issue + " did not finish:\n"
                                        + tail(grove.get(0).output()));
                            }
                            Thread.sleep(100);
                        }
                        last = Math.max(last, done);
                    }
                    double wall = (last - t0) / 1000.0;
                    int issueWaves = (issues + processes * jobThreads - 1) / (processes * jobThreads);
                    int taskWaves = (tasksPerIssue + maxParallel - 1) / maxParallel;
                    result.put(processes, new double[] {wall, issueWaves * taskWaves * agentSeconds});
                    for (int issue : numbers) {
                        if (marks(marks, issue, ".start") != tasksPerIssue) {
                            throw new IllegalStateException("issue " + issue + ": " + marks(marks, issue, ".start")
                                    + " agent starts for " + tasksPerIssue + " tasks");
                        }
                    }
                    List<Double> starts = new ArrayList<>();
                    List<Double> times = new ArrayList<>();
                    try (var files = Files.list(marks)) {
                        for (Path start : files.filter(x -> x.toString().endsWith(".start")).toList()) {
                            double at = mark(start);
                            starts.add((at - t0) / 1000.0);
                            Path exit = Path.of(start.toString().replaceFirst("\\.start$", ".exit"));
                            if (Files.exists(exit)) times.add((mark(exit) - at) / 1000.0);
                        }
                    }
                    agents.put(processes, new double[] {starts.stream().mapToDouble(Double::doubleValue).max()
                            .orElse(Double.NaN), Stats.percentile(times, 50)});
                    List<String> share = new ArrayList<>();
                    for (GroveProcess g : grove) share.add(String.valueOf(RUNNING.matcher(g.output()).results().count()));
                    shares.put(processes, String.join(" + ", share));
                    int ran = 0;
                    for (int p = 1; p <= processes; p++) {
                        if (Files.exists(work.resolve("data-scale-" + processes + "-" + p).resolve("worktrees"))) ran++;
                    }
                    if (ran != processes) throw new IllegalStateException(ran + " of " + processes + " processes ran tasks");
                    checks.put(processes, "every agent started once, " + ran + " of " + processes + " processes ran tasks");
                } finally {
                    grove.forEach(GroveProcess::close);
                }
            }
            github.assertNoUnmatchedRequests();
        }
        int total = issues * tasksPerIssue;
        MarkdownTable t = new MarkdownTable("Two processes against one: " + total + " tasks on one PostgreSQL",
                "processes", "wall (s)", "ideal wall (s)", "efficiency (ideal / wall)", "issue runs per process",
                "last agent started (s)", "agent time, median (s)", "checked");
        for (var e : result.entrySet()) {
            double[] w = e.getValue();
            double[] a = agents.get(e.getKey());
            t.row(String.valueOf(e.getKey()), f2(w[0]), f2(w[1]), f2(w[1] / w[0]), shares.get(e.getKey()), f2(a[0]),
                    f2(a[1]), checks.get(e.getKey()));
        }
        double one = result.get(1)[0];
        double two = result.get(2)[0];
        double idealSpeedUp = result.get(1)[1] / result.get(2)[1];
        t.row("2 vs 1", "speed-up " + f2(one / two) + "×", "ideal " + f2(idealSpeedUp) + "×",
                "scale-out efficiency " + f2(one / two / idealSpeedUp), "", "", "", "wall(1) / wall(2) / ideal speed-up");
        t.note(issues + " labeled issues of " + tasksPerIssue + " tasks (" + total + " tasks), GROVE_MAX_PARALLEL="
                + maxParallel + " on each process, each process runs " + jobThreads + " issue runs at once "
                + "(GroveServer.LONG_JOB_THREADS); Grove's example agent sleeping " + agentSeconds + " s in the "
                + "bubblewrap sandbox; so ideal wall = ⌈issues / (processes × " + jobThreads + ")⌉ × ⌈tasks per issue / "
                + maxParallel + "⌉ × " + agentSeconds + " s");
        t.note("with two processes the deliveries alternate between them; each configuration on a fresh "
                + "PostgreSQL schema at " + dev.grove.store.Database.redact(TestDatabases.postgresUrl())
                + "; GROVE_COMMENT_INTERVAL=0 for both; wall = first delivery sent → last tracking comment's final "
                + "edit; last agent started: after the first delivery; one run each; all processes and agents on this one "
                + "machine's cores");
        return List.of(t);
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    private GitHubApiStub github() {
        GitHubApiStub github = new GitHubApiStub();
        github.stubAccessToken(INSTALLATION, "ghs_benchInstallationToken0123456789",
                Instant.now().plus(Duration.ofHours(2)));
        github.stubRepository(REPO);
        github.stubPermission(REPO, LABELER, "write");
        github.stubListPulls(REPO);
        github.stubReactions(REPO);
        github.stubFileNotFound(REPO, ".github/grove.yml");
        github.stubEmptyIssueThreads(REPO); // the prompt carries the issue's thread: none here
        github.stubCreateCheckRun(REPO, 7001);
        github.stubUpdateCheckRun(REPO, 7001);
        github.stubCreatePull(REPO, new PullRequestRef(101, "https://github.com/" + REPO + "/pull/101"));
        return github;
    }

    private Map<String, String> env(GitHubApiStub github, String dataDir, int maxParallel, double agentSeconds,
            Path marks) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_PORT", "0");
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", BenchKeys.writePrivateKey(work.resolve("app.pem")).toString());
        env.put("GROVE_GITHUB_API", github.baseUrl());
        env.put("GROVE_DATA_DIR", work.resolve(dataDir).toString());
        env.put("GROVE_MAX_PARALLEL", String.valueOf(maxParallel));
        env.put("GROVE_AGENT_TIMEOUT", "300s");
        env.put("GROVE_COMMENT_INTERVAL", "0");
        env.put("GROVE_AGENT_COMMAND", OrchestrationBench.AGENT.replace("%SECONDS%", String.valueOf(agentSeconds)));
        env.put("GROVE_AGENT_ENV", "BENCH_MARKS");
        env.put("BENCH_MARKS", marks.toString());
        env.put("GROVE_SANDBOX_BIND", marks.toString()); // the one folder outside its worktree an agent may write
        return env;
    }

    private Path marksDir(String name) throws IOException {
        Path marks = Files.createDirectories(work.resolve(name));
        Files.setPosixFilePermissions(marks, PosixFilePermissions.fromString("rwxrwxrwx"));
        return marks;
    }

    private static void stubIssue(GitHubApiStub github, int issue) {
        github.stubCreateIssueComment(REPO, issue, 90_000L + issue);
        github.stubEditIssueComment(REPO, 90_000L + issue);
    }

    private static String editPath(int issue) {
        return "/repos/" + REPO.fullName() + "/issues/comments/" + (90_000L + issue);
    }

    private static void deliver(GroveProcess to, int issue, Path origin, int tasks) throws Exception {
        byte[] body = WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin),
                issue, "Benchmark " + issue, OrchestrationBench.issueBody(tasks), "grove", INSTALLATION));
        HttpResponse<String> r = WebhookFixtures.deliver(URI.create("http://127.0.0.1:" + to.port()), "issues",
                "bench-" + issue + "-" + System.nanoTime(), body, SECRET);
        if (r.statusCode() != 202) throw new IllegalStateException("Grove answered " + r.statusCode() + ": " + r.body());
    }

    private static long marks(Path marks, int issue, String suffix) throws IOException {
        try (var files = Files.list(marks)) {
            return files.filter(p -> p.getFileName().toString().startsWith(issue + "-")
                    && p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    /** A time an agent wrote ({@code date +%s%N}), in ms since the epoch. */
    private static double mark(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip()) / 1e6;
    }

    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the memory of process " + pid, e);
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    private static String tail(String output) {
        return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double grove, double floor) {
        return String.format(Locale.ROOT, "%.2f×", grove / floor);
    }
}
