package dev.grove.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.app.AppConfig;
import dev.grove.app.GroveServer;
import dev.grove.app.GroveServerSeam;
import dev.grove.testing.WebhookFixtures;
import dev.grove.queue.JobQueue;
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
 * Webhook intake: signed {@code issue_comment.created} deliveries (GitHub's published payload, as is and with the
 * comment turned into a Grove command) POSTed to Grove's {@code POST /webhook}, wired exactly as {@code grove serve}
 * wires it except that the job queue is a no-op sink, versus a bare Javalin endpoint that reads the body and answers
 * 202. Both run in this JVM, next to the load
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
    /** A comment addressed to Grove, so that the router enqueues it. */
    static final String COMMAND = "/grove status";

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
        public Admission submit(dev.grove.queue.Delivery delivery, dev.grove.queue.Routing.Enqueue job) {
            received.incrementAndGet();
            return Admission.QUEUED;
        }
    }

    /** Where requests go and what they carry. */
    record Target(URI uri, byte[] body, String signature) {
    }

    public List<MarkdownTable> run() throws Exception {
        Sink sink = new Sink();
        Map<String, String> env = new HashMap<>();
        env.put("GROVE_PORT", "0");
        env.put("GROVE_ADMIN_PORT", "0");
        env.put("GROVE_WEBHOOK_SECRET", SECRET);
        env.put("GROVE_APP_ID", "12345");
        env.put("GROVE_PRIVATE_KEY_FILE", BenchKeys.writePrivateKey(work.resolve("app.pem")).toString());
        env.put("GROVE_GITHUB_API", "http://127.0.0.1:9"); // never called: intake makes no GitHub call
        env.put("GROVE_DATA_DIR", work.resolve("data").toString());
        ObjectNode command = WebhookFixtures.payload("issue_comment.created");
        ((ObjectNode) command.get("comment")).put("body", COMMAND);
        byte[] commandBody = WebhookFixtures.bytes(command);
        List<String> names = List.of("published", "command", "floor");
        Map<String, Stats> rps = new HashMap<>();
        Map<String, Stats> p50 = new HashMap<>();
        Map<String, Stats> p99 = new HashMap<>();
        Map<String, long[]> sentAndReceived = new HashMap<>();
        Map<String, String> answers = new HashMap<>();
        AtomicLong errors = new AtomicLong();
        for (String n : names) {
            rps.put(n, new Stats());
            p50.put(n, new Stats());
            p99.put(n, new Stats());
            sentAndReceived.put(n, new long[2]);
        }
        try (GroveServer grove = GroveServerSeam.startWithIntakeSink(AppConfig.fromEnv(env), sink);
                BareServer floorServer = bareJavalin()) {
            URI groveUri = URI.create("http://127.0.0.1:" + grove.port() + "/webhook");
            Map<String, Target> targets = Map.of(
                    "published", new Target(groveUri, body, signature),
                    "command", new Target(groveUri, commandBody, new SignatureVerifier(SECRET).sign(commandBody)),
                    "floor", new Target(URI.create("http://127.0.0.1:" + floorServer.port() + "/webhook"), body,
                            signature));
            for (String n : names) {
                HttpResponse<String> answer = client.send(request(targets.get(n)), HttpResponse.BodyHandlers.ofString());
                answers.put(n, answer.statusCode() + " " + answer.body());
                closedLoop(targets.get(n), warmUp, new AtomicLong(), new AtomicLong()); // JIT and connections warm
            }
            for (int r = 0; r < runs; r++) {
                Bench.progress("intake: run " + (r + 1) + "/" + runs);
                for (String n : names) {
                    Target target = targets.get(n);
                    AtomicLong bad = n.equals("floor") ? new AtomicLong() : errors;
                    long before = sink.received.get();
                    AtomicLong answered = new AtomicLong();
                    long done = closedLoop(target, window, bad, answered);
                    rps.get(n).add(done / (window.toNanos() / 1e9));
                    List<Double> lat = openLoop(target, bad);
                    p50.get(n).add(Stats.percentile(lat, 50));
                    p99.get(n).add(Stats.percentile(lat, 99));
                    sentAndReceived.get(n)[0] += answered.get() + lat.size();
                    sentAndReceived.get(n)[1] += sink.received.get() - before;
                }
            }
        }
        MarkdownTable t = new MarkdownTable("Webhook intake: `POST /webhook`, signed `issue_comment.created`",
                "figure", "Grove, published comment", "Grove, `" + COMMAND + "` comment",
                "floor: bare Javalin, read body, 202", "ratio (published)", "ratio (command)");
        t.row("throughput at concurrency " + concurrency + " (req/s)", rps.get("published").show("%.0f"),
                rps.get("command").show("%.0f"), rps.get("floor").show("%.0f"),
                Stats.ratio(rps.get("published"), rps.get("floor")), Stats.ratio(rps.get("command"), rps.get("floor")));
        t.row("p50 latency at " + rate + " req/s, open loop (ms)", p50.get("published").show("%.2f"),
                p50.get("command").show("%.2f"), p50.get("floor").show("%.2f"),
                Stats.ratio(p50.get("published"), p50.get("floor")), Stats.ratio(p50.get("command"), p50.get("floor")));
        t.row("p99 latency at " + rate + " req/s, open loop (ms)", p99.get("published").show("%.2f"),
                p99.get("command").show("%.2f"), p99.get("floor").show("%.2f"),
                Stats.ratio(p99.get("published"), p99.get("floor")), Stats.ratio(p99.get("command"), p99.get("floor")));
        t.note("payload: GitHub's published `issue_comment.created` example (" + body.length + " bytes as sent), as is, "
                + "and with the comment's body replaced by `" + COMMAND + "` (" + commandBody.length + " bytes); "
                + "HMAC-SHA256 signed, a new `X-GitHub-Delivery` per request; the floor gets the published one");
        t.note("load generator: java.net.http.HttpClient (HTTP/1.1, keep-alive) in the same JVM as both servers, "
                + "which run one at a time; throughput: " + concurrency + " threads, closed loop, "
                + window.toMillis() + " ms per run; latency: open-loop schedule of " + rate + " req/s for "
                + window.toMillis() + " ms, measured from each request's scheduled time");
        t.note("Grove: `GroveServer` as `grove serve` wires it (JdbcStateStore on the embedded database, EventRouter and its "
                + "handlers, "
                + "WebhookController, logging to a file) with the job queue replaced by a no-op sink, which receives "
                + "what the router enqueues and runs none of it; intake = verify the signature, parse, record the "
                + "delivery id, route, enqueue, answer");
        for (String n : List.of("published", "command")) {
            long[] sr = sentAndReceived.get(n);
            t.note("Grove, " + (n.equals("published") ? "published comment" : "`" + COMMAND + "` comment")
                    + ": Grove answered `" + answers.get(n).replace('`', '\'') + "`; the sink received " + sr[1]
                    + " jobs for " + sr[0] + " deliveries");
        }
        t.note(errors.get() == 0 ? "every Grove answer was 202" : errors.get() + " Grove answers were not 202");
        t.note("median (min–max) over " + runs + " runs; ratio = Grove / floor");
        return List.of(t);
    }

    private HttpRequest request(Target target) {
        return HttpRequest.newBuilder(target.uri())
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/bench")
                .header("X-GitHub-Event", EVENT)
                .header("X-GitHub-Delivery", "bench-" + delivery.incrementAndGet())
                .header("X-Hub-Signature-256", target.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(target.body()))
                .build();
    }

    /**
     * {@code concurrency} threads sending back to back for {@code duration}: the answers within it; non-202s go to
     * {@code bad}, and every answer, including those that came after the end, to {@code answered}.
     */
    private long closedLoop(Target target, Duration duration, AtomicLong bad, AtomicLong answered)
            throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency, daemon());
        for (int i = 0; i < concurrency; i++) {
            threads.execute(() -> {
                try {
                    while (System.nanoTime() < end) {
                        HttpResponse<Void> r = client.send(request(target), HttpResponse.BodyHandlers.discarding());
                        answered.incrementAndGet();
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
        return ok.get();
    }

    /** Latencies (ms) of {@code rate × window} requests sent on a fixed schedule, measured from the schedule. */
    private List<Double> openLoop(Target target, AtomicLong errors) throws Exception {
        int count = (int) (rate * window.toNanos() / 1_000_000_000L);
        long period = 1_000_000_000L / rate;
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>(count));
        List<CompletableFuture<?>> all = new ArrayList<>(count);
        long t0 = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < count; i++) {
            long intended = t0 + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            all.add(client.sendAsync(request(target), HttpResponse.BodyHandlers.discarding())
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
