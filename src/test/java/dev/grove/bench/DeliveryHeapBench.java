package dev.grove.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.app.AppConfig;
import dev.grove.app.GroveServerSeam;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitHubApiStub;
import dev.grove.testing.WebhookFixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live heap of {@code grove serve} after many deliveries against after a few: the issue saw 937 MiB resident after
 * 300k deliveries when delivery ids were kept in memory. Grove runs in this JVM, wired as {@code grove serve} wires
 * it (real {@code DurableJobQueue} on the embedded H2 database, job consumer RUNNING, default delivery retention),
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
    private static final Pattern FAILED = Pattern.compile("(?m)^grove_jobs_failed_total(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    private final Path work;
    private final int warmUp;
    private final int minSmall;
    private final int max;
    private final Duration budget;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final UniqueBodies bodies;
    private final AtomicLong sequence = new AtomicLong();
    private long handledByGitHub;


    /** {@code small}: the smaller size at least (more when the rate allows, up to 10,000). */
    public DeliveryHeapBench(Path work, int warmUp, int small, int max, Duration budget) {
        this.work = work;
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
        long total;
        double smallHeap;
        double bigHeap;
        double midHeap;
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
                smallHeap = liveHeapMiB(memory);
                mid = (small + big) / 2 / 100 * 100;
                send(uri, grove, github, mid - small);
                midHeap = liveHeapMiB(memory);
                send(uri, grove, github, big - mid);
                bigHeap = liveHeapMiB(memory);
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
        MarkdownTable t = new MarkdownTable("Live heap after many deliveries (durable queue, embedded H2)",
                "deliveries", "live heap (MiB)", "ratio to " + String.format(Locale.ROOT, "%,d", small), "aim");
        t.row(String.format(Locale.ROOT, "%,d", small), String.format(Locale.ROOT, "%.1f", smallHeap), "1.00×", "");
        t.row(String.format(Locale.ROOT, "%,d", mid), String.format(Locale.ROOT, "%.1f", midHeap),
                String.format(Locale.ROOT, "%.2f×", midHeap / smallHeap), "");
        t.row(String.format(Locale.ROOT, "%,d", big), String.format(Locale.ROOT, "%.1f", bigHeap),
                String.format(Locale.ROOT, "%.2f×", bigHeap / smallHeap),
                "no larger than after " + String.format(Locale.ROOT, "%,d", small) + ": "
                        + (bigHeap <= smallHeap * 1.05 ? "met (within 5 %)" : "NOT met"));
        t.note("sizes chosen from the rate measured over the " + Math.min(BATCH, minSmall - warmUp) + " deliveries after "
                + warmUp + " warm-up ones, "
                + String.format(Locale.ROOT, "%.0f", rate) + " deliveries/s end to end (sent, recorded, job run, "
                + "marked done) on this machine: N = " + String.format(Locale.ROOT, "%,d", big) + " to fit "
                + budget.toSeconds() + " s (at that rate 1,000,000 would take "
                + String.format(Locale.ROOT, "%.0f", 1_000_000 / rate / 60) + " min), the small size a quarter of "
                + "that, at most 10,000");
        t.note("Grove in this JVM as `grove serve` wires it, the real `DurableJobQueue` on embedded H2, job consumer "
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
                + "and WireMock (constant); the embedded H2's page cache is on this heap, bounded at 1 MB (CACHE_SIZE, "
                + "store/Database); H2 also keeps in memory a record (SFChunk, with a BitSet) of each chunk written in "
                + "its 45 s retention, a chunk per commit: how many depends on the write rate, not on the number of "
                + "deliveries (a class histogram at 500,000 deliveries and ~600/s: 124,628 of them, about 30 MB)");
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
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static double liveHeapMiB(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed() / 1024.0 / 1024.0;
    }

    private double failedJobs(int adminPort) throws Exception {
        String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = FAILED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
