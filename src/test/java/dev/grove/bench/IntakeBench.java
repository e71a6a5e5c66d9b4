package dev.grove.bench;

import dev.grove.app.AppConfig;
import dev.grove.app.GroveServer;
import dev.grove.app.GroveServerSeam;
import dev.grove.testing.WebhookFixtures;
import dev.grove.webhook.JobQueue;
import dev.grove.webhook.SignatureVerifier;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Webhook intake: signed {@code issue_comment.created} deliveries (GitHub's published payload) POSTed to Grove's
 * {@code POST /webhook}, wired exactly as {@code grove serve} wires it except that the job queue is a no-op sink,
 * versus a bare Javalin endpoint that reads the body and answers 202. Both run in this JVM, next to the load
 * generator (a Java {@link HttpClient}), one at a time.
 * <ul>
 * <li>throughput: {@code concurrency} threads each sending one request after the other (closed loop) for
 * {@code window}, after a warm-up;
 * <li>latency: an open-loop schedule of {@code rate} requests per second for {@code window}, each sent at its
 * scheduled time whatever the answers do; latency is measured from the scheduled time, so a stall is not hidden.
 * </ul>
 */
public final class IntakeBench {
    static final String SECRET = "bench-webhook-secret";
    static final String EVENT = "issue_comment";

    private final Path work;
    private final int concurrency;
    private final Duration window;
    private final int rate;
    private final Duration warmUp;
    private final int runs;
    private final AtomicLong delivery = new AtomicLong();
    private final HttpClient client;
    private final byte[] body;
    private final String signature;

    public IntakeBench(Path work, int concurrency, Duration window, int rate, Duration warmUp, int runs) {
        this.work = work;
        this.concurrency = concurrency;
        this.window = window;
        this.rate = rate;
        this.warmUp = warmUp;
        this.runs = runs;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, daemon())).build();
        this.body = WebhookFixtures.bytes(WebhookFixtures.payload("issue_comment.created"));
        this.signature = new SignatureVerifier(SECRET).sign(body);
    }

    /** Counts what the webhook enqueues; runs nothing. */
    static final class Sink implements JobQueue {
        final AtomicLong received = new AtomicLong();

        @Override
        public void submit(String description, Runnable job) {
            received.incrementAndGet();
        }
    }

    public List<MarkdownTable> run() throws Exception {
        Sink sink = new Sink();
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", BenchKeys.writePrivateKey(work.resolve("app.pem")).toString());
        env.put("GROVE_GITHUB_API", "http://127.0.0.1:9"); // never called: intake makes no GitHub call
        env.put("GROVE_DATA_DIR", work.resolve("data").toString());
        Stats groveRps = new Stats();
        Stats floorRps = new Stats();
        Stats groveP50 = new Stats();
        Stats floorP50 = new Stats();
        Stats groveP99 = new Stats();
        Stats floorP99 = new Stats();
        long sent = 0;
        long errors = 0;
        AtomicLong openLoopErrors = new AtomicLong();
        try (GroveServer grove = GroveServerSeam.startWithIntakeSink(AppConfig.fromEnv(env), sink);
                AutoCloseable floorServer = bareJavalin()) {
            URI groveUri = URI.create("http://127.0.0.1:" + grove.port() + "/webhook");
            URI floorUri = URI.create("http://127.0.0.1:" + ((BareServer) floorServer).port() + "/webhook");
            for (URI u : List.of(groveUri, floorUri)) closedLoop(u, warmUp); // JIT and connections warm
            for (int r = 0; r < runs; r++) {
                Bench.progress("intake: run " + (r + 1) + "/" + runs);
                for (boolean isGrove : new boolean[] {true, false}) {
                    URI u = isGrove ? groveUri : floorUri;
                    long[] counts = closedLoop(u, window);
                    (isGrove ? groveRps : floorRps).add(counts[0] / (window.toNanos() / 1e9));
                    List<Double> lat = openLoop(u, isGrove ? openLoopErrors : new AtomicLong());
                    (isGrove ? groveP50 : floorP50).add(Stats.percentile(lat, 50));
                    (isGrove ? groveP99 : floorP99).add(Stats.percentile(lat, 99));
                    if (isGrove) {
                        sent += counts[0] + lat.size();
                        errors += counts[1];
                    }
                }
            }
        }
        errors += openLoopErrors.get();
        long received = sink.received.get();
        String routing = received == 0
                ? "the router ignored every delivery (`issue_comment.created` has no handler yet), so Grove's intake "
                        + "here ends at routing: verify the signature, parse, record the delivery id, route, answer 202; "
                        + "the sink received 0 jobs"
                : "the router enqueued " + received + " jobs; the sink (the job queue's place) received them and ran none";
        MarkdownTable t = new MarkdownTable("Webhook intake: `POST /webhook`, signed `issue_comment.created`",
                "figure", "Grove (no-op sink)", "floor: bare Javalin, read body, 202", "ratio");
        t.row("throughput at concurrency " + concurrency + " (req/s)", groveRps.show("%.0f"), floorRps.show("%.0f"),
                Stats.ratio(groveRps, floorRps));
        t.row("p50 latency at " + rate + " req/s, open loop (ms)", groveP50.show("%.2f"), floorP50.show("%.2f"),
                Stats.ratio(groveP50, floorP50));
        t.row("p99 latency at " + rate + " req/s, open loop (ms)", groveP99.show("%.2f"), floorP99.show("%.2f"),
                Stats.ratio(groveP99, floorP99));
        t.note("payload: GitHub's published `issue_comment.created` example, " + body.length
                + " bytes as sent, HMAC-SHA256 signed, a new `X-GitHub-Delivery` per request");
        t.note("load generator: java.net.http.HttpClient (HTTP/1.1, keep-alive) in the same JVM as both servers, "
                + "which run one at a time; throughput: " + concurrency + " threads, closed loop, "
                + window.toMillis() + " ms per run; latency: open-loop schedule of " + rate + " req/s for "
                + window.toMillis() + " ms, measured from each request's scheduled time");
        t.note("Grove: `GroveServer` as `grove serve` wires it (FileStateStore, EventRouter, WebhookController, its "
                + "logging to a file) with the job queue replaced by a no-op sink; " + routing);
        t.note(errors == 0 ? "every Grove answer was 202" : errors + " of " + sent + " Grove answers were not 202");
        t.note("median (min–max) over " + runs + " runs; ratio = Grove / floor");
        return List.of(t);
    }

    private HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/bench")
                .header("X-GitHub-Event", EVENT)
                .header("X-GitHub-Delivery", "bench-" + delivery.incrementAndGet())
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** {@code concurrency} threads sending back to back for {@code duration}: {answers, answers that were not 202}. */
    private long[] closedLoop(URI uri, Duration duration) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency, daemon());
        for (int i = 0; i < concurrency; i++) {
            threads.execute(() -> {
                try {
                    while (System.nanoTime() < end) {
                        HttpResponse<Void> r = client.send(request(uri), HttpResponse.BodyHandlers.discarding());
                        if (System.nanoTime() > end) break;
                        ok.incrementAndGet();
                        if (r.statusCode() != 202) bad.incrementAndGet();
                    }
                } catch (Exception e) {
                    bad.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        threads.shutdown();
        return new long[] {ok.get(), bad.get()};
    }

    /** Latencies (ms) of {@code rate × window} requests sent on a fixed schedule, measured from the schedule. */
    private List<Double> openLoop(URI uri, AtomicLong errors) throws Exception {
        int count = (int) (rate * window.toNanos() / 1_000_000_000L);
        long period = 1_000_000_000L / rate;
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>(count));
        List<CompletableFuture<?>> all = new ArrayList<>(count);
        long t0 = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < count; i++) {
            long intended = t0 + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            all.add(client.sendAsync(request(uri), HttpResponse.BodyHandlers.discarding())
                    .handle((r, e) -> {
                        latencies.add((System.nanoTime() - intended) / 1e6);
                        if (e != null || r.statusCode() != 202) errors.incrementAndGet();
                        return null;
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return latencies;
    }

    /** The floor: Javalin with the same request limit, one route that reads the body and answers 202. */
    static final class BareServer implements AutoCloseable {
        private final Javalin app;

        BareServer(Javalin app) {
            this.app = app;
        }

        int port() {
            return app.port();
        }

        @Override
        public void close() {
            app.stop();
        }
    }

    static BareServer bareJavalin() {
        return bareJavalin(0);
    }

    static BareServer bareJavalin(int port) {
        return new BareServer(Javalin.create(cfg -> {
            cfg.http.maxRequestSize = 25L * 1024 * 1024;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/webhook", ctx -> {
                ctx.bodyAsBytes();
                ctx.status(202);
            });
        }).start(port));
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "bench-client");
            t.setDaemon(true);
            return t;
        };
    }
}
