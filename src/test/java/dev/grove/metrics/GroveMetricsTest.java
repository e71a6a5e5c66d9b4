package dev.grove.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentReport;
import dev.grove.agent.AgentRequest;
import dev.grove.app.HttpServer;
import dev.grove.queue.ExecutorJobQueue;
import dev.grove.store.FileStateStore;
import dev.grove.testing.WebhookFixtures;
import dev.grove.queue.EventRouter;
import dev.grove.webhook.SignatureVerifier;
import dev.grove.queue.JobQueue;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroveMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void eventHeadersOfUnsignedOrUnknownDeliveriesAreCountedAsOther() throws Exception {
        GroveMetrics metrics = new GroveMetrics();
        WebhookController webhook = new WebhookController(new SignatureVerifier("s3cret"), new EventRouter(Map.of()),
                JobQueue.recording(new FileStateStore(tmp.resolve("state.json")), (d, job) -> { }));
        Javalin http = HttpServer.start(webhook, metrics, new dev.grove.app.Readiness(java.util.List.of()), 0);
        try {
            URI base = URI.create("http://localhost:" + http.port());
            byte[] body = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertEquals(401, WebhookFixtures.deliver(base, "made-up-" + i, "d" + i, body, null).statusCode());
            }
            assertEquals(401, WebhookFixtures.deliver(base, "issues", "d-unsigned", body, null).statusCode());
            assertEquals(202, WebhookFixtures.deliver(base, "star", "d-star", body, "s3cret").statusCode());
            assertEquals(202, WebhookFixtures.deliver(base, "issues", "d-issues", body, "s3cret").statusCode());
        } finally {
            http.stop();
        }
        String scrape = metrics.scrape();
        assertFalse(scrape.contains("made-up"), "a header never becomes a label value: " + scrape);
        assertTrue(scrape.contains("grove_webhook_deliveries_total{event=\"other\",status=\"401\"} 4.0"), scrape);
        assertTrue(scrape.contains("grove_webhook_deliveries_total{event=\"other\",status=\"202\"} 1.0"), scrape);
        assertTrue(scrape.contains("grove_webhook_deliveries_total{event=\"issues\",status=\"202\"} 1.0"), scrape);
    }

    @Test
    void showsTheJvmAndProcessMeters() {
        String scrape = new GroveMetrics().scrape();
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_",
                "process_cpu_usage", "process_uptime_seconds", "system_cpu_count", "jvm_classes_loaded_classes"}) {
            assertTrue(scrape.contains(name), name + " in " + scrape);
        }
    }

    @Test
    void jobsPendingCountsQueuedAndRunningJobsAndFailuresAreCounted() throws Exception {
        GroveMetrics metrics = new GroveMetrics();
        try (ExecutorJobQueue jobs = new ExecutorJobQueue(1, null, metrics::jobFailed)) {
            metrics.jobsPending(jobs::pending);
            CountDownLatch release = new CountDownLatch(1);
            jobs.submit("blocks", () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            jobs.submit("fails", () -> {
                throw new IllegalStateException("boom");
            });
            assertTrue(metrics.scrape().contains("grove_jobs_pending 2.0"), metrics.scrape());
            release.countDown();
            assertTrue(jobs.awaitIdle(Duration.ofSeconds(10)));
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("grove_jobs_pending 0.0"), scrape);
            assertTrue(scrape.contains("grove_jobs_failed_total 1.0"), scrape);
            assertEquals("fails", jobs.recentFailures().get(0).description());
            assertTrue(jobs.recentFailures().get(0).error().contains("boom"));
        }
    }

    @Test
    void agentSpendIsAddedUpByRepository() {
        GroveMetrics metrics = new GroveMetrics();
        AgentReport report = new AgentReport("done", 3, 0.25, null, "s", null, 1200L);
        MeteredAgentRunner runner = new MeteredAgentRunner(
                req -> new AgentOutcome.Finished("", Duration.ZERO, report), metrics);
        AgentRequest shop = new AgentRequest(tmp, "p", tmp.resolve("p"), Map.of("GROVE_REPOSITORY", "octo/shop"),
                Duration.ofMinutes(1), tmp.resolve("log"));
        runner.run(shop);
        runner.revise(shop, "s", "again");
        runner.run(new AgentRequest(tmp, "p", tmp.resolve("p"), Map.of("GROVE_REPOSITORY", "octo/docs"),
                Duration.ofMinutes(1), tmp.resolve("log")));
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("grove_agent_cost_usd_dollars_total{repository=\"octo/shop\"} 0.5"), scrape);
        assertTrue(scrape.contains("grove_agent_cost_usd_dollars_total{repository=\"octo/docs\"} 0.25"), scrape);
        assertTrue(scrape.contains("grove_agent_tokens_total{repository=\"octo/shop\"} 2400.0"), scrape);
        assertTrue(scrape.contains("grove_agent_turns_total{repository=\"octo/shop\"} 6.0"), scrape);
    }
}
