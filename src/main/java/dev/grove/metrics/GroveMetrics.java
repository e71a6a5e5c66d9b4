package dev.grove.metrics;

import dev.grove.github.GitHubCallListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format: webhook deliveries by event and answer, tasks finished
 * by outcome and how long they took, the agents running now, jobs queued and failed, GitHub API calls by route
 * template and status with the rate limit left, agent spend by repository, and Micrometer's JVM and process meters.
 *
 * <p>Every label value comes from a closed set (or from the repositories Grove is installed on), so nobody can grow
 * the number of series by sending requests: an unknown or unsigned event counts as {@code other}.
 */
public final class GroveMetrics implements GitHubCallListener {
    /** The events Grove subscribes to (app-manifest.yml), and GitHub's ping. Anything else is {@code other}. */
    static final Set<String> EVENTS = Set.of("issues", "issue_comment", "pull_request", "pull_request_review",
            "pull_request_review_comment", "check_run", "installation", "installation_repositories", "ping");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong rateLimitRemaining = new AtomicLong(-1);

    public GroveMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("grove.github.ratelimit.remaining", rateLimitRemaining, AtomicLong::get)
                .description("GitHub's x-ratelimit-remaining on the latest API answer (-1 before the first)")
                .register(registry);
    }

    /**
     * A delivery answered with {@code status}. {@code event} is GitHub's {@code X-GitHub-Event}; it is counted under
     * its own name only when the delivery was signed ({@code status} not 401) and Grove knows the event, otherwise as
     * {@code other} ({@code none} when the header is missing).
     */
    public void delivery(String event, int status) {
        Counter.builder("grove.webhook.deliveries").description("Webhook deliveries, by event and HTTP answer")
                .tag("event", eventLabel(event, status))
                .tag("status", String.valueOf(status))
                .register(registry).increment();
    }

    static String eventLabel(String event, int status) {
        if (status == 401) return "other";
        if (event == null || event.isBlank()) return "none";
        return EVENTS.contains(event) ? event : "other";
    }

    /** A task reached an end state ({@code pr_opened}, {@code no_changes}, {@code failed}, …) after {@code took}. */
    public void taskFinished(String outcome, Duration took) {
        Counter.builder("grove.tasks.finished").description("Tasks that reached an end state, by outcome")
                .tag("outcome", outcome).register(registry).increment();
        if (took != null) {
            Timer.builder("grove.task.duration")
                    .description("From a task's start to its end state").tag("outcome", outcome)
                    .register(registry).record(took);
        }
    }

    /** Reports {@code count} as the number of agents running now, read at each scrape. */
    public void agentsRunning(Supplier<Number> count) {
        Gauge.builder("grove.agents.running", count).description("Agents running now").register(registry);
    }

    /**
     * Reports {@code count} as the jobs queued or running now ({@code grove_jobs_pending}, the queue depth); zero means
     * the server is idle, which is also how the end-to-end tests know a delivery's work is done.
     */
    public void jobsPending(Supplier<Number> count) {
        Gauge.builder("grove.jobs.pending", count).description("Jobs queued or running now").register(registry);
    }

    /** A queued job (a run, a revise, a command) ended with an exception. */
    public void jobFailed() {
        Counter.builder("grove.jobs.failed").description("Jobs that ended with an exception").register(registry)
                .increment();
    }

    /** An agent run's reported spend, added to its repository's totals (nulls add nothing). */
    public void agentSpend(String repository, Double costUsd, Integer turns, Long tokens) {
        if (costUsd != null && costUsd > 0) {
            Counter.builder("grove.agent.cost.usd").description("Dollars agents reported spending, by repository")
                    .baseUnit("dollars").tag("repository", repository).register(registry).increment(costUsd);
        }
        if (turns != null && turns > 0) {
            Counter.builder("grove.agent.turns").description("Turns agents reported, by repository")
                    .tag("repository", repository).register(registry).increment(turns);
        }
        if (tokens != null && tokens > 0) {
            Counter.builder("grove.agent.tokens").description("Tokens agents reported using, by repository")
                    .tag("repository", repository).register(registry).increment(tokens);
        }
    }

    @Override
    public void githubCall(String method, String route, int status, Duration took, Long rateRemaining) {
        Timer.builder("grove.github.requests").description("GitHub API calls, by route template and HTTP status")
                .tag("method", METHODS.contains(method) ? method : "other")
                .tag("route", route)
                .tag("status", status <= 0 ? "error" : String.valueOf(status))
                .register(registry).record(took);
        if (rateRemaining != null) {
            rateLimitRemaining.set(rateRemaining);
        }
    }

    /** The Prometheus text exposition of everything above. */
    public String scrape() {
        return registry.scrape();
    }
}
