package dev.grove.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format: webhook deliveries by event and answer, tasks finished
 * by outcome and how long they took, and the agents running now.
 */
public final class GroveMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** A delivery answered with {@code status} ({@code event} as GitHub named it; "none" when missing). */
    public void delivery(String event, int status) {
        Counter.builder("grove.webhook.deliveries").description("Webhook deliveries, by event and HTTP answer")
                .tag("event", event == null || event.isBlank() ? "none" : event)
                .tag("status", String.valueOf(status))
                .register(registry).increment();
    }

    /** A task reached an end state ({@code pr_opened}, {@code no_changes}, {@code failed}, …) after {@code took}. */
    public void taskFinished(String outcome, Duration took) {
        Counter.builder("grove.tasks.finished").description("Tasks that reached an end state, by outcome")
                .tag("outcome", outcome).register(registry).increment();
        if (took != null) {
            io.micrometer.core.instrument.Timer.builder("grove.task.duration")
                    .description("From a task's start to its end state").tag("outcome", outcome)
                    .register(registry).record(took);
        }
    }

    /** Reports {@code count} as the number of agents running now, read at each scrape. */
    public void agentsRunning(Supplier<Number> count) {
        io.micrometer.core.instrument.Gauge.builder("grove.agents.running", count).description("Agents running now")
                .register(registry);
    }

    /**
     * Reports {@code count} as the jobs queued or running now ({@code grove_jobs_pending}); zero means the server is
     * idle, which is also how the end-to-end tests know a delivery's work is done.
     */
    public void jobsPending(Supplier<Number> count) {
        io.micrometer.core.instrument.Gauge.builder("grove.jobs.pending", count)
                .description("Jobs queued or running now").register(registry);
    }

    /** The Prometheus text exposition of everything above. */
    public String scrape() {
        return registry.scrape();
    }
}
