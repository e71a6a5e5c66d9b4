package dev.grove.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.app.AppConfig;
import dev.grove.app.GroveServerSeam;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.WebhookFixtures;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Live heap of {@code grove serve} after many deliveries against after a few: the issue saw 937 MiB resident after
 * 300k deliveries when delivery ids were kept in memory. Grove runs in this JVM, wired as {@code grove serve} wires
 * it (real {@code DurableJobQueue} on the embedded database, SQLite, job consumer RUNNING, default delivery retention),
 * with WireMock as GitHub in the same JVM. Each delivery is GitHub's {@code issues.unlabeled} with a label that is not
 * Grove's trigger: routed to a short job that really runs, reads the repository's config from GitHub (404: the
 * defaults) and ends with nothing to do, so every delivery is recorded, handled, marked done and kept (id and hash)
 * for the retention period, as the product does.
 *
 * <p>Live heap = used heap (MemoryMXBean) after {@code System.gc()} three times, read once the queue is idle and
 * WireMock's request journal (the stand-in's, not Grove's) is cleared. The large size N is chosen from the rate
 * measured in the warm-up, to fit {@code budget}, at most 1,000,000; the small size is a quarter of it (at most 10,000).
 */
public final class DeliveryHeapBench {
    static final String SECRET = "bench-webhook-secret";
    static final RepoRef REPO = new RepoRef("Codertocat", "Hello-World");
    static final long INSTALLATION = 4343;
    static final int BATCH = 1000;
    /**
     * The wait before a reading at rest: H2's retention time (45 s as Grove runs it, H2's default, pinned by
     * EmbeddedDatabaseSettingsTest) and a second. H2 keeps a record (SFChunk, BitSet...) of every chunk its commits
     * wrote in that window, a chunk per commit, about 250 bytes each: at ~1,200 commits/s (about four per delivery)
     * some 54,000 of them, ~13 MiB that follow the write rate of the last 45 s, not the number of deliveries. After
     * the wait, {@link #NUDGE} more deliveries make the commits at which H2 lets the seasoned ones go. The same wait
     * again before the settled reading: the chunks written in the batch's last seconds that still hold a live page
     * leave the retention only just before the reading at rest, and only then may Grove's housekeeping merge them
     * (store/H2Housekeeping); how many they are follows the rate at the batch's end, not the number of deliveries.
     * SQLite, the embedded database since, keeps no such records; the waits stay, so its readings compare with H2's.
     */
    static final Duration AT_REST = Duration.ofSeconds(46);
    static final int NUDGE = 10;
    private static final Pattern FAILED = Pattern.compile("(?m)^grove_jobs_failed_total(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    private final Path work;
    private final int warmUp;
    private final int minSmall;
    private final int max;
    private final Duration budget;
    private final Duration rest;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final UniqueBodies bodies;
    private final AtomicLong sequence = new AtomicLong();
    private long handledByGitHub;
    /**
     * Class histograms (live objects, as jcmd's GC.class_histogram) in files, by the deliveries sent when each was
     * taken; read only after the server has stopped, so that they weigh nothing on the heap measured.
     */
    private final Map<Long, Path> histograms = new LinkedHashMap<>();
    private long nextHistogram = HISTOGRAM_EVERY;
    static final long HISTOGRAM_EVERY = 100_000;
    /** Kept after the run (the work folder is not), beside {@code target/bench/results.md}. */
    static final Path HISTOGRAMS = Path.of("target", "bench", "heap-histograms");


    /**
     * {@code small}: the smaller size at least (more when the rate allows, up to 10,000). {@code rest}: how long each
     * reading waits idle before its reading at rest (see {@link #AT_REST}).
     */
    public DeliveryHeapBench(Path work, int warmUp, int small, int max, Duration budget, Duration rest) {
        this.work = work;
        this.rest = rest;
        this.warmUp = warmUp;
        this.minSmall = small;
        this.max = max;
        this.budget = budget;
        ObjectNode p = WebhookFixtures.payload("issues.unlabeled");
        // ADJUSTED: through an installation (Grove ignores a delivery without one); the node_id carries each
        // delivery's number, so that no two bodies are the same (GitHub's never are)
        p.putObject("installation").put("id", INSTALLATION);
        this.bodies = new UniqueBodies(p, "issue", "node_id", SECRET);
    }

    public List<MarkdownTable> run() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Disk.remove(HISTOGRAMS);
        long total;
        Reading smallHeap;
        Reading bigHeap;
        Reading midHeap;
        int mid;
        double rate;
        int big;
        int small;
        double failed;
        try (GitHubApiStub github = new GitHubApiStub()) {
            github.stubAccessToken(INSTALLATION, "ghs_benchInstallationToken0123456789",
                    Instant.now().plus(Duration.ofHours(2)));
            github.stubRepository(REPO);
            github.stubFileNotFound(REPO, ".github/grove.yml");
            Map<String, String> env = new HashMap<>();
            env.put("GROVE_PORT", "0");
            env.put("GROVE_ADMIN_PORT", "0");
            env.put("GROVE_WEBHOOK_SECRET", SECRET);
            env.put("GROVE_APP_ID", "12345");
            env.put("GROVE_PRIVATE_KEY_FILE", BenchKeys.writePrivateKey(work.resolve("app.pem")).toString());
            env.put("GROVE_GITHUB_API", github.baseUrl());
            env.put("GROVE_DATA_DIR", work.resolve("data").toString());
            try (GroveServerSeam.Durable grove = GroveServerSeam.startDurable(AppConfig.fromEnv(env))) {
                URI uri = URI.create("http://127.0.0.1:" + grove.server().port() + "/webhook");
                send(uri, grove, github, warmUp);
                int probe = Math.min(BATCH, minSmall - warmUp);
                long t0 = System.nanoTime();
                send(uri, grove, github, probe); // the rate, JIT warm
                rate = probe / ((System.nanoTime() - t0) / 1e9);
                // as many as fit the budget at the warm-up's rate, at most 1M; the small size a quarter of it, at most 10k
                long fits = (long) (rate * budget.toSeconds()) / BATCH * BATCH;
                small = (int) Math.max(minSmall, Math.min(10_000, fits / 4 / BATCH * BATCH));
                big = (int) Math.min(max, Math.max(small * 3L, fits));
                Bench.progress(String.format(Locale.ROOT, "heap: %.0f deliveries/s in the warm-up; %,d then %,d "
                        + "deliveries", rate, small, big));
                send(uri, grove, github, small - warmUp - probe);
                smallHeap = read(uri, grove, github, memory);
                mid = (small + big) / 2 / 100 * 100;
                send(uri, grove, github, mid - small);
                midHeap = read(uri, grove, github, memory);
                send(uri, grove, github, big - mid);
                bigHeap = read(uri, grove, github, memory);
                total = sequence.get();
                failed = failedJobs(grove.server().adminPort());
                if (grove.jobs().forgetOldDeliveries() != 0) {
                    throw new IllegalStateException("no delivery is older than the retention period yet");
                }
            }
        }
        if (handledByGitHub != total || failed != 0) {
            throw new IllegalStateException(total + " deliveries, " + handledByGitHub + " config reads by their jobs, "
                    + failed + " failed jobs");
        }
        MarkdownTable t = new MarkdownTable("Live heap after many deliveries (durable queue, embedded SQLite)",
                "deliveries", "live heap right after a batch (MiB)", "at rest (MiB)", "settled (MiB)",
                "settled, ratio to " + String.format(Locale.ROOT, "%,d", small), "database files (GB)", "aim");
        for (Reading r : List.of(smallHeap, midHeap, bigHeap)) {
            boolean last = r == bigHeap;
            t.row(String.format(Locale.ROOT, "%,d", r.deliveries()), String.format(Locale.ROOT, "%.1f", r.busyMiB()),
                    String.format(Locale.ROOT, "%.1f", r.restMiB()),
                    String.format(Locale.ROOT, "%.1f", r.settledMiB()),
                    String.format(Locale.ROOT, "%.2f×", r.settledMiB() / smallHeap.settledMiB()),
                    String.format(Locale.ROOT, "%.2f", r.fileBytes() / 1e9),
                    !last ? "" : "no larger than after " + String.format(Locale.ROOT, "%,d", small) + ": "
                            + (r.settledMiB() <= smallHeap.settledMiB() * 1.05 ? "met (within 5 %)" : "NOT met"));
        }
        t.note("sizes chosen from the rate measured over the " + Math.min(BATCH, minSmall - warmUp) + " deliveries after "
                + warmUp + " warm-up ones, "
                + String.format(Locale.ROOT, "%.0f", rate) + " deliveries/s end to end (sent, recorded, job run, "
                + "marked done) on this machine: N = " + String.format(Locale.ROOT, "%,d", big) + " to fit "
                + budget.toSeconds() + " s (at that rate 1,000,000 would take "
                + String.format(Locale.ROOT, "%.0f", 1_000_000 / rate / 60) + " min), the small size a quarter of "
                + "that, at most 10,000");
        t.note("Grove in this JVM as `grove serve` wires it, the real `DurableJobQueue` on the embedded database "
                + "(SQLite, `grove.db` and its write-ahead log, as a new data folder gets), job consumer "
                + "RUNNING; each delivery (GitHub's `issues.unlabeled`, a non-trigger label, a body of its own) is "
                + "recorded, its short job runs (reads `.github/grove.yml` from the GitHub stand-in: 404, then "
                + "nothing to do), and it is marked done: " + total + " deliveries, " + handledByGitHub
                + " config reads, 0 failed jobs (checked)");
        t.note("retention as shipped (GROVE_DELIVERY_RETENTION default, 72 h): every handled delivery stays in "
                + "`grove_delivery` (id, hash; body dropped when done) for the whole run, the worst case for the "
                + "table; `forgetOldDeliveries()` deleted none (checked); nothing per delivery is kept in memory");
        t.note("sent " + BATCH + " at a time by 4 client threads, each batch waited to idle; " + warmUp
                + " warm-up deliveries first; live heap = MemoryMXBean used heap after System.gc() ×3, with the "
                + "queue idle and the stand-in's request journal cleared; this JVM also holds the load generator "
                + "and WireMock (constant); SQLite's page cache (2 MB per connection) is native memory, not on this "
                + "heap (H2, which data folders made before SQLite keep, held its page cache and a record of each "
                + "chunk of its file on the heap: bench/RESULTS.md has its runs)");
        t.note("at rest: read after " + rest.toSeconds() + " s idle and " + NUDGE + " more deliveries; right after "
                + "a batch: read as soon as the batch's jobs ended; settled: read after another " + rest.toSeconds()
                + " s idle and " + NUDGE + " more deliveries (the aim is judged settled; the waits are H2's 45 s "
                + "retention, kept so that the readings compare with H2's)");
        List<String> grown = grownMost(6);
        if (!grown.isEmpty()) {
            t.note("grew most between the histograms at " + String.format(Locale.ROOT, "%,d", small) + " and "
                    + String.format(Locale.ROOT, "%,d", big) + " deliveries (live objects; every histogram, one per "
                    + String.format(Locale.ROOT, "%,d", HISTOGRAM_EVERY) + " deliveries too, is written to "
                    + HISTOGRAMS + "/histogram-N.txt): " + String.join(", ", grown));
        }
        return List.of(t);
    }

    private void send(URI uri, GroveServerSeam.Durable grove, GitHubApiStub github, int count) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int done = 0; done < count; ) {
                int n = Math.min(BATCH, count - done);
                AtomicLong left = new AtomicLong(n);
                Future<?>[] f = new Future<?>[4];
                for (int i = 0; i < 4; i++) {
                    f[i] = threads.submit(() -> {
                        while (left.getAndDecrement() > 0) {
                            long k = sequence.incrementAndGet();
                            UniqueBodies.Signed s = bodies.next(k);
                            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .header("X-GitHub-Event", "issues")
                                    .header("X-GitHub-Delivery", "bench-heap-" + k)
                                    .header("X-Hub-Signature-256", s.signature())
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(s.body())).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (r.statusCode() != 202) throw new IllegalStateException("Grove answered " + r.statusCode());
                        }
                        return null;
                    });
                }
                for (Future<?> x : f) x.get();
                if (!grove.jobs().awaitIdle(Duration.ofMinutes(5))) throw new IllegalStateException("jobs never ended");
                handledByGitHub += github.server().getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().contains("/contents/")).count();
                github.server().resetRequests();
                done += n;
                if (sequence.get() >= nextHistogram) {
                    histogram();
                    Bench.progress(String.format(Locale.ROOT, "heap: %,d deliveries, histogram written", sequence.get()));
                    nextHistogram += HISTOGRAM_EVERY;
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The live heap right after the last batch, then at rest and settled (each with a class histogram): see
     * {@link #AT_REST}.
     */
    private Reading read(URI uri, GroveServerSeam.Durable grove, GitHubApiStub github, MemoryMXBean memory)
            throws Exception {
        long deliveries = sequence.get();
        double busy = liveHeapMiB(memory);
        Thread.sleep(rest.toMillis());
        send(uri, grove, github, NUDGE);
        double atRest = liveHeapMiB(memory);
        histogram();
        Thread.sleep(rest.toMillis());
        send(uri, grove, github, NUDGE);
        double settled = liveHeapMiB(memory);
        histogram();
        return new Reading(deliveries, busy, atRest, settled, databaseBytes(work.resolve("data")));
    }

    record Reading(long deliveries, double busyMiB, double restMiB, double settledMiB, long fileBytes) { }

    /** The embedded database's files in the data folder: SQLite's and its log, or an H2 file. */
    static long databaseBytes(Path data) throws java.io.IOException {
        long sum = 0;
        for (String name : List.of("grove.db", "grove.db-wal", "grove.mv.db")) {
            Path f = data.resolve(name);
            if (Files.exists(f)) sum += Files.size(f);
        }
        return sum;
    }

    private static double liveHeapMiB(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed() / 1024.0 / 1024.0;
    }

    /**
     * Takes a class histogram of the live objects (the DiagnosticCommand MBean's {@code gcClassHistogram}, what
     * {@code jcmd <pid> GC.class_histogram} prints), writes it to the work folder as {@code histogram-<deliveries>.txt}
     * and keeps its bytes per class, so that the table can name what grew.
     */
    private void histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Files.createDirectories(HISTOGRAMS);
        Path file = HISTOGRAMS.resolve("histogram-" + sequence.get() + ".txt");
        Files.writeString(file, text);
        histograms.put(sequence.get(), file);
    }

    private static Map<String, Long> bytesByClass(Path histogram) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        Matcher m = HISTOGRAM_ROW.matcher(Files.readString(histogram));
        while (m.find()) bytes.merge(m.group(3), Long.parseLong(m.group(2)), Long::sum);
        return bytes;
    }

    private static final Pattern HISTOGRAM_ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** The classes whose live bytes grew most between the first histogram and the last, largest first. */
    private List<String> grownMost(int count) throws IOException {
        List<Path> all = new ArrayList<>(histograms.values());
        if (all.size() < 2) return List.of();
        Map<String, Long> first = bytesByClass(all.get(0));
        Map<String, Long> last = bytesByClass(all.get(all.size() - 1));
        return last.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - first.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Comparator.comparing(Map.Entry<String, Long>::getValue).reversed())
                .limit(count)
                .map(e -> String.format(Locale.ROOT, "`%s` +%.1f MiB", e.getKey(), e.getValue() / 1024.0 / 1024.0))
                .toList();
    }

    private double failedJobs(int adminPort) throws Exception {
        String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = FAILED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
