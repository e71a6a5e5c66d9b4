package dev.grove.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.store.Database;
import dev.grove.testing.TestDatabases;
import dev.grove.testing.WebhookFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Webhook intake with durable recording: {@code POST /webhook} of a {@code grove serve} wired exactly as in
 * production ({@code GroveServer.start}, the real {@code DurableJobQueue}): signature check, parse, route, then the
 * delivery and its db-scheduler job recorded in one transaction, on the embedded database (SQLite) and on PostgreSQL;
 * beside the floor, a bare Javalin endpoint that reads the body and answers 202, and Grove's intake recording nothing
 * (the no-op queue). Each server is a JVM of its own under the image's JVM options ({@link IntakeServer},
 * {@link BareJavalinServer}); the load generator is this JVM. The job consumer is paused (its schedulers take no
 * jobs), so what is timed is intake alone and every delivery stays recorded as {@code QUEUED}: at the end each
 * server's queue holds exactly the number of 202 answers it gave (written by the server as it exits).
 *
 * <p>Every request carries a body of its own (a real GitHub never sends the same body twice; Grove ignores a
 * replayed body), signed, with a new delivery id; the floor gets the same kind of requests. Throughput: closed
 * loop, {@code concurrency} threads. Latency: an open-loop schedule of {@code rate} requests per second, each
 * latency measured from the request's intended send time (no coordinated omission), recorded in an HdrHistogram.
 * Each server's young-collection pauses are read from its GC log: at these rates they decide the p99.
 */
public final class DurableIntakeBench {
    static final String SECRET = "bench-webhook-secret";
    static final String EVENT = "issue_comment";
    static final String COMMAND = "/grove status";
    static final String FLOOR = "floor";
    static final String NOTHING = "nothing-recorded";
    static final String EMBEDDED = "embedded";
    static final String POSTGRES = "postgres";

    private final Path work;
    private final int concurrency;
    private final Duration window;
    private final int rate;
    private final Duration latencyWindow;
    private final Duration warmUp;
    private final int runs;
    private final HttpClient client;
    private final UniqueBodies bodies;
    private final AtomicLong sequence = new AtomicLong();

    public DurableIntakeBench(Path work, int concurrency, Duration window, int rate, Duration latencyWindow,
            Duration warmUp, int runs) {
        this.work = work;
        this.concurrency = concurrency;
        this.window = window;
        this.rate = rate;
        this.latencyWindow = latencyWindow;
        this.warmUp = warmUp;
        this.runs = runs;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, daemon())).build();
        ObjectNode command = WebhookFixtures.payload("issue_comment.created");
        ((ObjectNode) command.get("comment")).put("body", COMMAND);
        // ADJUSTED: the comment's node_id carries each request's number, so that no two bodies are the same
        this.bodies = new UniqueBodies(command, "comment", "node_id", SECRET);
    }

    /** Per target: throughput, p50 and p99 per run, every latency of every run, and the answers. */
    static final class Figures {
        final Stats rps = new Stats();
        final Stats p50 = new Stats();
        final Stats p99 = new Stats();
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        /** What the other answers were: a status code, or the client's exception. */
        final Map<String, AtomicLong> otherKinds = new java.util.concurrent.ConcurrentHashMap<>();
        String firstAnswer = "";

        void other(String kind) {
            other.incrementAndGet();
            otherKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }
    }

    public List<MarkdownTable> run() throws Exception {
        java.nio.file.Files.createDirectories(work);
        String options = ProcessBench.imageJavaOptions();
        Map<String, String> env = new HashMap<>();
        env.put("JDK_JAVA_OPTIONS", options); // each server as the image runs it
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", BenchKeys.writePrivateKey(work.resolve("app.pem")).toString());
        env.put("GROVE_GITHUB_API", "http://127.0.0.1:9"); // never called: intake makes no GitHub call
        String postgresUrl = null;
        String postgresSkipped = postgresReachable();
        if (postgresSkipped == null) {
            postgresUrl = TestDatabases.postgresUrlWithSchema(TestDatabases.freshSchema());
        }
        Map<String, Figures> figures = new LinkedHashMap<>();
        Map<String, JvmProcess> servers = new LinkedHashMap<>();
        Map<String, URI> uris = new LinkedHashMap<>();
        try {
            int floorPort = JvmProcess.freePort();
            servers.put(FLOOR, JvmProcess.start(BareJavalinServer.class.getName(), List.of(String.valueOf(floorPort)),
                    Map.of("JDK_JAVA_OPTIONS", options + gcLog(FLOOR)), floorPort, work.resolve("floor.log")));
            servers.put(NOTHING, grove("nothing", env, null));
            servers.put(EMBEDDED, grove("durable", env, null));
            if (postgresUrl != null) servers.put(POSTGRES, grove("durable", env, postgresUrl));
            for (var s : servers.entrySet()) {
                uris.put(s.getKey(), URI.create("http://127.0.0.1:" + s.getValue().port() + "/webhook"));
            }
            for (var u : uris.entrySet()) {
                measuring(servers, u.getKey());
                Figures f = new Figures();
                figures.put(u.getKey(), f);
                HttpResponse<String> first = client.send(request(u.getValue()), HttpResponse.BodyHandlers.ofString());
                f.firstAnswer = first.statusCode() + " " + first.body();
                count(f, first.statusCode());
                closedLoop(u.getValue(), warmUp, f); // JIT, connections and database pools warm
            }
            for (int r = 0; r < runs; r++) {
                Bench.progress("durable-intake: run " + (r + 1) + "/" + runs);
                for (var u : uris.entrySet()) { // one at a time, interleaved run by run
                    measuring(servers, u.getKey());
                    Figures f = figures.get(u.getKey());
                    // the steady rate first, then the burst: a latency read right after a saturating burst measured
                    // the burst's aftermath (each server's collections, a database's housekeeping catching up)
                    Histogram h = openLoop(u.getValue(), f);
                    f.p50.add(h.getValueAtPercentile(50) / 1e6);
                    f.p99.add(h.getValueAtPercentile(99) / 1e6);
                    f.all.add(h);
                    f.rps.add(closedLoop(u.getValue(), window, f) / (window.toNanos() / 1e9));
                }
            }
        } finally {
            for (JvmProcess p : servers.values()) p.close(); // SIGTERM: each Grove writes its count, then exits
        }
        for (String name : List.of(NOTHING, EMBEDDED, POSTGRES)) {
            if (!servers.containsKey(name)) continue;
            long recorded = IntakeServer.count(countFile(name));
            long accepted = figures.get(name).accepted.get();
            if (recorded != accepted) {
                throw new IllegalStateException(name + ": " + accepted + " deliveries answered 202 but "
                        + recorded + (name.equals(NOTHING) ? " reached the no-op queue" : " recorded as queued"));
            }
        }
        return List.of(table(figures, postgresSkipped, options));
    }

    /**
     * Continues the server about to be measured and stops ({@code SIGSTOP}) the others, so that what a server does
     * lands in its own figures only. A server goes on working after its load: when the embedded database was H2, its
     * housekeeping merged chunks once H2's 45 s retention had passed, and with every server running, those rounds ran
     * in the next targets' windows (in one run with scratch timing, 164 of PostgreSQL's ~12,000 open-loop transactions
     * took over 3 ms, most of them in the commit). Waiting for the servers to be quiet before each measurement did not
     * help: the rounds begin only when the retention has passed, well after the server went quiet (bench/RESULTS.md).
     */
    private static void measuring(Map<String, JvmProcess> servers, String target) {
        servers.get(target).resume();
        for (var s : servers.entrySet()) {
            if (!s.getKey().equals(target)) s.getValue().pause();
        }
    }

    /** A Grove intake server process ({@link IntakeServer}) on the embedded database, or on {@code postgresUrl}. */
    private JvmProcess grove(String mode, Map<String, String> common, String postgresUrl) throws Exception {
        String name = mode.equals("nothing") ? NOTHING : postgresUrl == null ? EMBEDDED : POSTGRES;
        int port = JvmProcess.freePort();
        Map<String, String> env = new HashMap<>(common);
        env.put("GROVE_PORT", String.valueOf(port));
        env.put("JDK_JAVA_OPTIONS", common.get("JDK_JAVA_OPTIONS") + gcLog(name));
        env.put("GROVE_DATA_DIR", work.resolve("data-" + name).toString());
        if (postgresUrl != null) env.put("GROVE_DATABASE_URL", postgresUrl);
        return JvmProcess.start(IntakeServer.class.getName(), List.of(mode, countFile(name).toString()), env, port,
                work.resolve(name + ".log"));
    }

    private Path countFile(String name) {
        return work.resolve(name + ".count");
    }

    /** The JVM option that logs a server's collections, on top of the image's options. */
    private String gcLog(String name) {
        String extra = System.getenv("GROVE_BENCH_SERVER_OPTIONS"); // e.g. more -Xlog, to look into one run
        return " -Xlog:gc:file=" + work.resolve(name + "-gc.log") + (extra == null ? "" : " " + extra.replace("{name}", name));
    }

    private static final java.util.regex.Pattern PAUSE =
            java.util.regex.Pattern.compile("Pause Young .* ([0-9.]+)ms$");

    /** Young-collection pauses in a server's GC log: how many, median and longest. */
    private String youngPauses(String name) {
        List<Double> ms = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(work.resolve(name + "-gc.log"))) {
                java.util.regex.Matcher m = PAUSE.matcher(line);
                if (m.find()) ms.add(Double.parseDouble(m.group(1)));
            }
        } catch (java.io.IOException e) {
            return "no GC log";
        }
        if (ms.isEmpty()) return "none";
        return String.format(Locale.ROOT, "%d: %.1f / %.1f", ms.size(), Stats.percentile(ms, 50),
                ms.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    private MarkdownTable table(Map<String, Figures> figures, String postgresSkipped, String options) {
        Figures fl = figures.get(FLOOR);
        Figures em = figures.get(EMBEDDED);
        Figures pg = figures.get(POSTGRES);
        Figures no = figures.get(NOTHING);
        MarkdownTable t = new MarkdownTable("Durable intake: `POST /webhook` recording each delivery and its job, "
                + "embedded SQLite and PostgreSQL, beside the bare Javalin floor and Grove's intake recording nothing",
                "figure", "floor: bare Javalin, read body, 202", "Grove, nothing recorded (no-op queue)",
                "ratio (nothing recorded)", "Grove, embedded SQLite", "ratio (embedded)", "embedded / nothing recorded",
                "Grove, PostgreSQL", "ratio (PostgreSQL)", "aim");
        String skipped = "skipped";
        t.row("throughput at concurrency " + concurrency + " (req/s)", fl.rps.show("%.0f"), no.rps.show("%.0f"),
                Stats.ratio(no.rps, fl.rps), em.rps.show("%.0f"), Stats.ratio(em.rps, fl.rps),
                Stats.ratio(em.rps, no.rps), pg == null ? skipped : pg.rps.show("%.0f"),
                pg == null ? skipped : Stats.ratio(pg.rps, fl.rps),
                "embedded ≥ 0.70× floor: " + met(em.rps.median() >= 0.70 * fl.rps.median()));
        t.row("p50 latency at " + rate + " req/s, open loop (ms)", fl.p50.show("%.2f"), no.p50.show("%.2f"),
                Stats.ratio(no.p50, fl.p50), em.p50.show("%.2f"), Stats.ratio(em.p50, fl.p50),
                Stats.ratio(em.p50, no.p50), pg == null ? skipped : pg.p50.show("%.2f"),
                pg == null ? skipped : Stats.ratio(pg.p50, fl.p50), "");
        t.row("p99 latency at " + rate + " req/s, open loop (ms)", fl.p99.show("%.2f"), no.p99.show("%.2f"),
                Stats.ratio(no.p99, fl.p99), em.p99.show("%.2f"), Stats.ratio(em.p99, fl.p99),
                Stats.ratio(em.p99, no.p99), pg == null ? skipped : pg.p99.show("%.2f"),
                pg == null ? skipped : Stats.ratio(pg.p99, fl.p99),
                "embedded < 2 ms: " + met(em.p99.median() < 2) + "; PostgreSQL < 5 ms: "
                        + (pg == null ? skipped : met(pg.p99.median() < 5)));
        t.row("p99 of all runs' latencies together (ms)", ms(fl.all, 99), ms(no.all, 99),
                ratio(no.all, fl.all, 99), ms(em.all, 99), ratio(em.all, fl.all, 99), ratio(em.all, no.all, 99),
                pg == null ? skipped : ms(pg.all, 99),
                pg == null ? skipped : ratio(pg.all, fl.all, 99), "");
        t.row("young GC pauses over the whole run: count: median / longest (ms)", youngPauses(FLOOR),
                youngPauses(NOTHING), "", youngPauses(EMBEDDED), "", "", pg == null ? skipped : youngPauses(POSTGRES),
                "", "");
        t.row("p99.9 / max of all runs' latencies (ms)", ms(fl.all, 99.9) + " / " + maxMs(fl.all),
                ms(no.all, 99.9) + " / " + maxMs(no.all), "", ms(em.all, 99.9) + " / " + maxMs(em.all), "", "",
                pg == null ? skipped
                        : ms(pg.all, 99.9) + " / " + maxMs(pg.all), "", "");
        t.note("request: GitHub's published `issue_comment.created` with the comment turned into `" + COMMAND
                + "` (routed to a job), " + bodies.length() + " bytes, the comment's `node_id` made unique per "
                + "request (Grove ignores a body it has recorded before), HMAC-SHA256 signed, a new "
                + "`X-GitHub-Delivery` each; the floor gets the same requests");
        t.note("Grove: `GroveServer.start` as `grove serve` runs it, the real `DurableJobQueue`: signature check, "
                + "parse, route, then `grove_delivery` row + db-scheduler execution inserted in one transaction "
                + "(on the embedded database group-committed: the deliveries waiting at that moment share it), then 202; the job consumer is PAUSED (its schedulers take no jobs), so intake alone is timed and "
                + "the tables only grow during the run");
        t.note("Grove, nothing recorded: the same `grove serve` wiring (signature check, parse, route, answer) with "
                + "the job queue replaced by a no-op that records nothing (as the `intake` benchmark): what intake "
                + "costs before any recording; " + no.accepted.get() + " answered 202, the no-op received as many "
                + "(checked), " + no.other.get() + " other answers"
                + (no.otherKinds.isEmpty() ? "" : " " + new java.util.TreeMap<>(no.otherKinds)));
        for (var e : figures.entrySet()) {
            if (e.getKey().equals(FLOOR) || e.getKey().equals(NOTHING)) continue;
            Figures f = e.getValue();
            t.note("Grove, " + (e.getKey().equals(EMBEDDED) ? "embedded SQLite" : "PostgreSQL") + ": first answer `"
                    + f.firstAnswer.replace('`', '\'') + "`; " + f.accepted.get() + " deliveries answered 202 and "
                    + "the queue holds the same number as pending (checked); " + f.other.get() + " other answers"
                    + (f.otherKinds.isEmpty() ? "" : " " + new java.util.TreeMap<>(f.otherKinds)));
        }
        t.note("floor: " + fl.accepted.get() + " answered 202, " + fl.other.get() + " other answers"
                + (fl.otherKinds.isEmpty() ? "" : " " + new java.util.TreeMap<>(fl.otherKinds)));
        if (pg == null) {
            t.note("PostgreSQL: " + postgresSkipped);
        } else {
            t.note("PostgreSQL: " + Database.redact(TestDatabases.postgresUrl()) + " (a fresh schema), same machine");
        }
        t.note("each server a process of its own (the floor: `BareJavalinServer`; Grove: `IntakeServer`, which starts "
                + "`GroveServer` as `grove serve` does), under the image's JVM options `JDK_JAVA_OPTIONS=\"" + options
                + "\"` (and `-Xlog:gc` to a file), on the same 2 cores as the load generator");
        t.note("load generator: java.net.http.HttpClient (HTTP/1.1, keep-alive) in the benchmark's JVM; "
                + "throughput: " + concurrency + " threads, closed loop, " + window.toMillis() + " ms per run; "
                + "latency: open loop, " + rate + " req/s for " + latencyWindow.toMillis() + " ms per run, each "
                + "latency from the request's intended send time (coordinated omission avoided), HdrHistogram");
        t.note("median (min–max) over " + runs + " runs, the targets interleaved run by run, one at a time: the "
                + "other servers are stopped (SIGSTOP) meanwhile, so a server's after-work (its database's housekeeping "
                + "after a burst) lands in its own figures, not in the next target's; per target and run, the open-loop "
                + "latency first, then the closed-loop throughput; ratio = Grove / floor");
        return t;
    }

    private static String met(boolean ok) {
        return ok ? "met" : "NOT met";
    }

    private static String ms(Histogram h, double p) {
        return h.getTotalCount() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(p) / 1e6);
    }

    private static String maxMs(Histogram h) {
        return h.getTotalCount() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", h.getMaxValue() / 1e6);
    }

    private static String ratio(Histogram grove, Histogram floor, double p) {
        if (grove.getTotalCount() == 0 || floor.getTotalCount() == 0) return "–";
        return String.format(Locale.ROOT, "%.2f×",
                (double) grove.getValueAtPercentile(p) / Math.max(1, floor.getValueAtPercentile(p)));
    }

    /** Null when PostgreSQL answers; else why it is skipped (on CI, where it must be there, a failure). */
    static String postgresReachable() {
        try (Connection c = DriverManager.getConnection(TestDatabases.postgresUrl())) {
            c.isValid(5);
            return null;
        } catch (Exception e) {
            String why = "not reachable at " + Database.redact(TestDatabases.postgresUrl()) + " (" + e.getMessage()
                    + "); set GROVE_TEST_DATABASE_URL";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new IllegalStateException("PostgreSQL " + why, e);
            return why;
        }
    }

    private HttpRequest request(URI uri) {
        long n = sequence.incrementAndGet();
        UniqueBodies.Signed s = bodies.next(n);
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/bench")
                .header("X-GitHub-Event", EVENT)
                .header("X-GitHub-Delivery", "bench-durable-" + n)
                .header("X-Hub-Signature-256", s.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(s.body()))
                .build();
    }

    private static void count(Figures f, int status) {
        if (status == 202) f.accepted.incrementAndGet();
        else f.other("HTTP " + status);
    }

    /** Answers within {@code duration} from {@code concurrency} threads sending back to back. */
    private long closedLoop(URI uri, Duration duration, Figures f) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency, daemon());
        for (int i = 0; i < concurrency; i++) {
            threads.execute(() -> {
                try {
                    while (System.nanoTime() < end) {
                        HttpResponse<Void> r = client.send(request(uri), HttpResponse.BodyHandlers.discarding());
                        count(f, r.statusCode());
                        if (System.nanoTime() <= end) ok.incrementAndGet();
                    }
                } catch (Exception e) {
                    f.other(e.getClass().getSimpleName()); // this thread stops sending
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        threads.shutdown();
        return ok.get();
    }

    /** Latencies (ns) of {@code rate × latencyWindow} requests sent on a fixed schedule, from the schedule. */
    private Histogram openLoop(URI uri, Figures f) throws Exception {
        int count = (int) (rate * latencyWindow.toNanos() / 1_000_000_000L);
        long period = 1_000_000_000L / rate;
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        List<CompletableFuture<?>> all = new ArrayList<>(count);
        long t0 = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < count; i++) {
            long intended = t0 + i * period;
            HttpRequest req = request(uri); // made before its time: the client's own work is not timed
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            all.add(client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                long latency = System.nanoTime() - intended;
                synchronized (h) {
                    h.recordValue(Math.min(latency, h.getHighestTrackableValue()));
                }
                if (e != null) f.other((e.getCause() == null ? e : e.getCause()).getClass().getSimpleName());
                else count(f, r.statusCode());
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return h;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "bench-client");
            t.setDaemon(true);
            return t;
        };
    }
}
