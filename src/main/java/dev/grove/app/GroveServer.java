package dev.grove.app;

import dev.grove.agent.AgentCatalog;
import dev.grove.command.CommandAuthorizer;
import dev.grove.command.CommandDispatcher;
import dev.grove.config.RepoConfig;
import dev.grove.config.RepoConfigLoader;
import dev.grove.git.GitClient;
import dev.grove.git.JGitClient;
import dev.grove.github.AppPrivateKey;
import dev.grove.github.GitHubGateway;
import dev.grove.github.Hub4jGitHubGateway;
import dev.grove.github.InstallationTokens;
import dev.grove.github.RedactingGitHubGateway;
import dev.grove.github.TokenSource;
import dev.grove.report.Redactor;
import dev.grove.pipeline.Cleaner;
import dev.grove.queue.ExecutorJobQueue;
import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.PipelineSteps;
import dev.grove.pipeline.Reviser;
import dev.grove.pipeline.RunnerSettings;
import dev.grove.metrics.GroveMetrics;
import dev.grove.metrics.MeteredStateStore;
import dev.grove.pipeline.RunningAgents;
import dev.grove.pipeline.TaskProgressListener;
import dev.grove.store.FileStateStore;
import dev.grove.store.StateStore;
import dev.grove.webhook.CheckRunHandler;
import dev.grove.webhook.EventRouter;
import dev.grove.webhook.IssueCommentCreatedHandler;
import dev.grove.webhook.IssueStoppedHandler;
import dev.grove.queue.JobQueue;
import dev.grove.webhook.LabelTriggerHandler;
import dev.grove.webhook.PullRequestClosedHandler;
import dev.grove.webhook.PullRequestReviewSubmittedHandler;
import dev.grove.webhook.SignatureVerifier;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code grove serve}: every object wired here, with plain constructors, then the HTTP server started.
 * The webhook only verifies, records and enqueues; runs happen on the job queue's threads.
 */
public final class GroveServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroveServer.class);

    private final Javalin http;
    private final Javalin adminHttp;
    private final ExecutorJobQueue jobs;
    private final ExecutorService taskPool;
    private final RunningAgents runningAgents;
    private final ExperimentRunner experiments;

    private GroveServer(Javalin http, Javalin adminHttp, ExecutorJobQueue jobs, ExecutorService taskPool, ExperimentRunner experiments,
            RunningAgents runningAgents) {
        this.runningAgents = runningAgents;
        this.experiments = experiments;
        this.http = http;
        this.adminHttp = adminHttp;
        this.jobs = jobs;
        this.taskPool = taskPool;
    }

    public static GroveServer start(AppConfig config) throws IOException {
        return start(config, jobs -> jobs);
    }

    /**
     * Package-level seam for the intake benchmark: {@code intake} is given Grove's own job queue and returns the queue
     * the webhook enqueues to ({@code jobs -> jobs} in production; a no-op sink to time intake alone).
     */
    static GroveServer start(AppConfig config, UnaryOperator<JobQueue> intake) throws IOException {
        Clock clock = Clock.systemUTC();
        DataDir.prepare(config.dataDir());
        var key = AppPrivateKey.read(config.privateKeyFile());
        InstallationTokens appTokens = new InstallationTokens(config.githubApi(), config.appId(), key, clock,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        Map<Long, GitHubGateway> gateways = new ConcurrentHashMap<>();
        // What Grove posts and shows passes through one redactor: known secrets, and tokens as they are issued.
        Redactor redactor = new Redactor(config.secretValues());
        TokenSource tokens = id -> {
            String token = appTokens.installationToken(id);
            redactor.addSecret(token);
            return token;
        };

        GroveMetrics metrics = new GroveMetrics();
        StateStore store = new MeteredStateStore(new FileStateStore(config.dataDir().resolve("state.json")), metrics);
        RunnerSettings settings = new RunnerSettings(config.dataDir(), config.maxParallel(), config.agentTimeout(),
                RunnerSettings.BRANCH_PREFIX);
        GitClient git = new JGitClient(settings.cacheDir());
        git.pruneAll();
        ExecutorService taskPool = daemonPool("grove-task");
        LongFunction<GitHubGateway> gatewayOf =
                id -> gateways.computeIfAbsent(id, i -> new RedactingGitHubGateway(
                        new Hub4jGitHubGateway(config.githubApi(), tokens, i), redactor));
        AgentCatalog agents = config.agentCatalog();
        PipelineSteps steps = PipelineSteps.create(gatewayOf, tokens, git, agents, config.issueBudget(), store,
                settings, clock);
        IssueRunner runner = new IssueRunner(steps, settings, taskPool, TaskProgressListener.NONE);
        ExecutorJobQueue jobs = new ExecutorJobQueue(4);
        // `/grove try` and `/grove pick`
        ExperimentRunner experiments = new ExperimentRunner(steps, settings, taskPool);

        CommandDispatcher commands = new CommandDispatcher(gatewayOf,
                new RepoConfigLoader(RepoConfig.defaults(config.triggerLabel(), config.maxParallel()), agents.names()),
                new CommandAuthorizer(clock), new CommandDispatcher.Actions(runner, new Reviser(steps),
                        new Cleaner(steps), experiments), store);
        CheckRunHandler checkRuns = new CheckRunHandler(config.appId(), commands::onCheckRun);
        EventRouter router = new EventRouter(Map.of(
                "issues.labeled", new LabelTriggerHandler(commands::onLabel),
                "issue_comment.created", new IssueCommentCreatedHandler(commands::onComment),
                "check_run.rerequested", checkRuns,
                "check_run.requested_action", checkRuns,
                "pull_request_review.submitted", new PullRequestReviewSubmittedHandler(commands::onReview),
                "pull_request.closed", new PullRequestClosedHandler(commands::onPullRequestClosed),
                "issues.closed", new IssueStoppedHandler(commands::onIssueStopped),
                "issues.unlabeled", new IssueStoppedHandler(commands::onIssueStopped)));
        WebhookController webhook = new WebhookController(new SignatureVerifier(config.webhookSecret()), store, router,
                intake.apply(jobs));

        metrics.agentsRunning(runner.runningAgents()::count);
        metrics.jobsPending(jobs::pending);
        AppConfig.Admin admin = config.admin();
        Javalin adminHttp = HttpServer.startAdmin(metrics, new Dashboard(store, settings, clock, redactor)::render,
                admin.bind(), admin.port(), admin.token());
        log.info("Grove admin on port {} ({}{})", adminHttp.port(), admin.bind(),
                admin.token() == null ? "" : ", bearer token required");
        Javalin http = HttpServer.start(webhook, metrics, config.port());
        log.info("Grove is listening on port {} ({})", http.port(), config);
        return new GroveServer(http, adminHttp, jobs, taskPool, experiments, runner.runningAgents());
    }

    static ExecutorService daemonPool(String name) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The agents running now; {@code /grove cancel} stops them through this. */
    public RunningAgents runningAgents() {
        return runningAgents;
    }

    /** Experiments for this server's installations, for the comment commands {@code /grove try} and {@code pick}. */
    public ExperimentRunner experiments() {
        return experiments;
    }

    public int port() {
        return http.port();
    }

    /** The admin port: the dashboard and {@code /metrics}. */
    public int adminPort() {
        return adminHttp.port();
    }

    /** Waits until every queued job has finished (tests and graceful shutdown). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return jobs.awaitIdle(timeout);
    }

    @Override
    public void close() {
        http.stop();
        adminHttp.stop();
        jobs.close();
        taskPool.shutdownNow();
    }
}
