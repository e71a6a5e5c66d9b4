package dev.grove.app;

import dev.grove.agent.AgentCatalog;
import dev.grove.command.CommandAuthorizer;
import dev.grove.command.CommandDispatcher;
import dev.grove.command.ReviewThreadCommands;
import dev.grove.config.RepoConfig;
import dev.grove.config.RepoConfigLoader;
import dev.grove.git.GitClient;
import dev.grove.git.JGitClient;
import dev.grove.github.AppPrivateKey;
import dev.grove.github.GitHubGateway;
import dev.grove.github.Hub4jGitHubGateway;
import dev.grove.github.GitHubRetries;
import dev.grove.github.InstallationTokens;
import dev.grove.github.RedactingGitHubGateway;
import dev.grove.github.RetryingGitHubGateway;
import dev.grove.github.TokenSource;
import dev.grove.report.Redactor;
import dev.grove.pipeline.Cleaner;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxSettings;
import dev.grove.report.DashboardRenderer;
import dev.grove.publish.CommentPacer;
import dev.grove.publish.Publisher;
import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.PipelineSteps;
import dev.grove.pipeline.ReviewThreads;
import dev.grove.pipeline.Reviser;
import dev.grove.pipeline.RunnerSettings;
import dev.grove.metrics.GroveMetrics;
import dev.grove.metrics.MeteredAgentRunner;
import dev.grove.metrics.MeteredStateStore;
import dev.grove.pipeline.RunningAgents;
import dev.grove.pipeline.TaskProgressListener;
import dev.grove.queue.DurableJobQueue;
import dev.grove.report.Messages;
import dev.grove.store.Database;
import dev.grove.store.JdbcStateStore;
import dev.grove.store.StateStore;
import dev.grove.queue.WebhookEvent;
import java.nio.file.Files;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.grove.webhook.CheckFailureHandler;
import dev.grove.webhook.CheckRunHandler;
import dev.grove.queue.EventRouter;
import dev.grove.webhook.IssueCommentCreatedHandler;
import dev.grove.webhook.IssueStoppedHandler;
import dev.grove.queue.JobQueue;
import dev.grove.webhook.LabelTriggerHandler;
import dev.grove.webhook.PullRequestClosedHandler;
import dev.grove.webhook.PullRequestReviewCommentHandler;
import dev.grove.webhook.PullRequestReviewSubmittedHandler;
import dev.grove.webhook.SignatureVerifier;
import dev.grove.webhook.WebhookController;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    private final DurableJobQueue jobs;
    private final ExecutorService taskPool;
    private final RunningAgents runningAgents;
    private final ExperimentRunner experiments;
    private final Database db;
    private final JdbcStateStore state;
    private final ScheduledExecutorService beats;
    private final Duration drainTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GroveServer(Javalin http, Javalin adminHttp, DurableJobQueue jobs, ExecutorService taskPool,
            ExperimentRunner experiments, RunningAgents runningAgents, Database db, JdbcStateStore state,
            ScheduledExecutorService beats, Duration drainTimeout) {
        this.runningAgents = runningAgents;
        this.experiments = experiments;
        this.http = http;
        this.adminHttp = adminHttp;
        this.jobs = jobs;
        this.taskPool = taskPool;
        this.db = db;
        this.state = state;
        this.beats = beats;
        this.drainTimeout = drainTimeout;
    }

    /** {@code grove serve}: the webhook, the dashboard and metrics, and a share of the jobs. */
    public static GroveServer start(AppConfig config) throws IOException {
        return start(config, jobs -> jobs, true);
    }

    /** {@code grove runner}: a share of the jobs, with no webhook ({@code /healthz} and {@code /metrics} only). */
    public static GroveServer startRunner(AppConfig config) throws IOException {
        return start(config, jobs -> jobs, false);
    }

    static GroveServer start(AppConfig config, UnaryOperator<JobQueue> intake) throws IOException {
        return start(config, intake, true);
    }

    /**
     * Package-level seam for the intake benchmark: {@code intake} is given Grove's own job queue and returns the queue
     * the webhook enqueues to ({@code jobs -> jobs} in production; a no-op sink to time intake alone).
     */
    static GroveServer start(AppConfig config, UnaryOperator<JobQueue> intake, boolean webhooks) throws IOException {
        Clock clock = Clock.systemUTC();
        DataDir.prepare(config.dataDir());
        var key = AppPrivateKey.read(config.privateKeyFile()); // a bad key is the first thing said, and the only one
        startSandbox(config);
        InstallationTokens appTokens = new InstallationTokens(config.githubApi(), config.appId(), key, clock,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        Map<Long, GitHubGateway> gateways = new ConcurrentHashMap<>();
        // What Grove posts and shows passes through one redactor: known secrets, and tokens as they are issued.
        Redactor redactor = new Redactor(config.secretValues());
        TokenSource apiTokens = id -> {
            String token = appTokens.installationToken(id);
            redactor.addSecret(token);
            return token;
        };
        // git's tokens are asked for again on a GitHub fault; API calls retry whole (RetryingGitHubGateway)
        TokenSource tokens = new GitHubRetries(config.githubClient()).tokens(apiTokens);

        GroveMetrics metrics = new GroveMetrics();
        appTokens.reportingTo(metrics);
        AppConfig.Durability durability = config.durability();
        Files.createDirectories(config.dataDir());
        Database db = Database.open(durability.databaseUrl(), config.dataDir());
        String processName = processName();
        JdbcStateStore state = new JdbcStateStore(db, processName, clock, durability.heartbeat().multipliedBy(3));
        StateStore store = new MeteredStateStore(state, metrics);
        RunnerSettings settings = new RunnerSettings(config.dataDir(), config.maxParallel(), config.agentTimeout(),
                RunnerSettings.BRANCH_PREFIX);
        GitClient git = new JGitClient(settings.cacheDir());
        git.pruneAll();
        ExecutorService taskPool = daemonPool("grove-task");
        LongFunction<GitHubGateway> gatewayOf =
                id -> gateways.computeIfAbsent(id, i -> new RedactingGitHubGateway(new RetryingGitHubGateway(
                        new Hub4jGitHubGateway(config.githubApi(), apiTokens, i, config.githubClient(), clock, metrics),
                        config.githubClient(), clock), redactor));
        AgentActivity activity = new AgentActivity(clock);
        AgentCatalog agents = config.agentCatalog()
                .decorated(r -> new MeteredAgentRunner(activity.tracking(r), metrics));
        // a push that adds a secret the redactor knows (or a key- or token-shaped string) is refused
        PipelineSteps steps = PipelineSteps.create(gatewayOf, tokens, git, agents, config.issueBudget(), store,
                settings, clock).withPublisher(new Publisher(git, redactor));
        IssueRunner runner = new IssueRunner(steps, settings, taskPool, TaskProgressListener.NONE)
                .pacingComments(CommentPacer.withTimer(clock, config.commentInterval()));
        // `/grove try` and `/grove pick`
        ExperimentRunner experiments = new ExperimentRunner(steps, settings, taskPool);

        RepoConfigLoader configs = new RepoConfigLoader(RepoConfig.defaults(config.triggerLabel(),
                config.maxParallel()), agents.names());
        CommandAuthorizer authorizer = new CommandAuthorizer(clock, store);
        Reviser reviser = new Reviser(steps);
        CommandDispatcher commands = new CommandDispatcher(gatewayOf, configs, authorizer,
                new CommandDispatcher.Actions(runner, reviser, new Cleaner(steps), experiments), store);
        // review comments on the diff: kept as they come, one revise per pull request once GROVE_REVIEW_BATCH has
        // passed, run by a delayed job in the database (the queue is made below, with the router)
        AtomicReference<DurableJobQueue> queue = new AtomicReference<>();
        ReviewThreadCommands reviewThreads = new ReviewThreadCommands(gatewayOf, configs, authorizer, store,
                new ReviewThreads(steps, reviser), batch -> queue.get().scheduleOnce(ReviewThreads.BATCH, batch.key(),
                        batch.toData(), clock.instant().plus(config.reviewBatch())));
        CheckRunHandler checkRuns = new CheckRunHandler(config.appId(), commands::onCheckRun);
        CheckFailureHandler checkFailures = new CheckFailureHandler(config.appId(), commands::onCheckFailure);
        Map<String, dev.grove.queue.EventHandler> handlers = new java.util.HashMap<>(Map.of(
                "issues.labeled", new LabelTriggerHandler(commands::onLabel, commands::admitLabel,
                        commands::runAdmittedLabel),
                "issue_comment.created", new IssueCommentCreatedHandler(commands::onComment,
                        commands::admitComment, commands::runAdmittedComment),
                "check_run.rerequested", checkRuns,
                "check_run.requested_action", checkRuns,
                "pull_request_review.submitted", new PullRequestReviewSubmittedHandler(commands::onReview),
                "pull_request_review_comment.created", new PullRequestReviewCommentHandler(reviewThreads::onComment),
                "pull_request.closed", new PullRequestClosedHandler(commands::onPullRequestClosed),
                "issues.closed", new IssueStoppedHandler(commands::onIssueStopped),
                "issues.unlabeled", new IssueStoppedHandler(commands::onIssueStopped)));
        // CI fixes itself: another app's failing check on a Grove pull request's head
        handlers.put("check_suite.completed", checkFailures);
        handlers.put("check_run.completed", checkFailures);
        EventRouter router = new EventRouter(handlers);
        // the latest jobs that gave up, newest first, for the dashboard (the issue is told as well)
        java.util.Deque<DashboardRenderer.FailedJob> failedJobs = new java.util.concurrent.ConcurrentLinkedDeque<>();
        DurableJobQueue jobs = new DurableJobQueue(db, router,
                (event, why) -> {
                    metrics.jobFailed();
                    failedJobs.addFirst(new DashboardRenderer.FailedJob(clock.instant(),
                            event.event() + " " + event.deliveryId(), why));
                    while (failedJobs.size() > 50) failedJobs.pollLast();
                    reportFailure(gatewayOf, event, durability.jobAttempts(), why);
                },
                new DurableJobQueue.Settings(processName, LONG_JOB_THREADS, SHORT_JOB_THREADS, Duration.ofSeconds(1),
                        durability.heartbeat(), durability.jobAttempts(), durability.jobBackoff(),
                        durability.deliveryRetention(), durability.drainTimeout()), clock);
        queue.set(jobs);
        // refusal replies past their throttle, review comments of closed PRs or past the delivery retention
        jobs.alsoOnRetention(() -> store.pruneStale(clock.instant(), CommandAuthorizer.REFUSAL_INTERVAL,
                durability.deliveryRetention()));
        jobs.onLater(ReviewThreads.BATCH, (prKey, data) -> reviewThreads.onBatch(ReviewThreads.Batch.parse(data))
                ? clock.instant().plus(config.reviewBatch()) : null);
        WebhookController webhook = new WebhookController(new SignatureVerifier(config.webhookSecret()), router,
                intake.apply(jobs));

        // cancels reach whichever process runs the task: every process applies the requests it has not seen
        long[] lastCancel = {state.lastCancelId()};
        runner.broadcastCancels(state::requestCancel);
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grove-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long beatMs = durability.heartbeat().toMillis();
        beats.scheduleWithFixedDelay(() -> {
            try {
                state.beat();
                for (JdbcStateStore.CancelRequest c : state.cancelsAfter(lastCancel[0])) {
                    lastCancel[0] = c.id();
                    runner.cancellations().cancel(c.key(), c.by());
                    runner.runningAgents().cancel(c.key(), "cancelled by @" + c.by());
                }
                state.pruneCancels(Duration.ofHours(1));
            } catch (RuntimeException e) {
                log.warn("heartbeat: {}", e.getMessage());
            }
        }, 0, Math.min(beatMs, 1000), TimeUnit.MILLISECONDS);
        jobs.start();

        metrics.agentsRunning(runner.runningAgents()::count);
        metrics.jobsPending(jobs::pending);
        Readiness readiness = new Readiness(List.of(Readiness.database(store), Readiness.dataDir(config.dataDir()),
                Readiness.agent(agents.definition(agents.defaultName()), config.agentBaseEnv().get("PATH"))));
        Dashboard dashboard = new Dashboard(store, settings, clock, redactor, activity, () -> List.copyOf(failedJobs));
        AppConfig.Admin admin = config.admin();
        Javalin adminHttp = HttpServer.startAdmin(metrics, dashboard, readiness, admin.bind(), admin.port(),
                admin.token());
        log.info("Grove admin on port {} ({}{})", adminHttp.port(), admin.bind(),
                admin.token() == null ? "" : ", bearer token required");
        Javalin http = webhooks ? HttpServer.start(webhook, metrics, readiness, config.port()) : null;
        if (webhooks) {
            log.info("Grove is listening on port {} ({})", http.port(), config);
        } else {
            log.info("Grove runner {} takes jobs from the database, no webhook port ({})", processName, config);
        }
        return new GroveServer(http, adminHttp, jobs, taskPool, experiments, runner.runningAgents(), db, state, beats,
                durability.drainTimeout());
    }

    /**
     * The sandbox every agent, planner, verify and measure runs in; it never shows the data folder or the key. Checked
     * now by starting one: if it cannot start, Grove still serves, but runs no agent (each says why and how to fix it).
     */
    private static void startSandbox(AppConfig config) {
        Sandbox sandbox = new Sandbox(SandboxSettings.fromEnv(config.agentBaseEnv(),
                List.of(config.dataDir(), config.privateKeyFile())));
        Sandbox.install(sandbox);
        // each worktree keeps its sandbox uid across restarts: new worktrees get none of those
        sandbox.knowWorktreesIn(new dev.grove.worktree.WorkspacePaths(config.dataDir()).worktreesDir(), 3);
        // what a Grove that was killed left running (see Sandbox#guarded for why that is rare) dies now
        try {
            for (String killed : sandbox.recordLaunchesIn(config.dataDir().resolve("sandboxes"))) {
                log.warn("killed {}: it was left running by an earlier Grove", killed);
            }
        } catch (IOException e) {
            log.warn("could not prepare {}: launches are not recorded ({})", config.dataDir().resolve("sandboxes"),
                    e.toString());
        }
        if (!sandbox.enabled()) {
            String bar = "!".repeat(100);
            log.warn("\n{}\n!!! {}\n{}", bar, sandbox.describe(), bar);
        } else if (sandbox.problem().isPresent()) {
            log.error(sandbox.describe());
        } else {
            log.info("Sandbox: {}", sandbox.describe());
        }
    }

    /** Threads for runs, revises and tries (each holds one while its issue runs), and for short commands. */
    static final int LONG_JOB_THREADS = 4;
    static final int SHORT_JOB_THREADS = 2;

    /** A name no other process has: host, pid and a random tail. */
    static String processName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "grove";
        }
        String name = host + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffL);
        return name.length() > 48 ? name.substring(name.length() - 48) : name;
    }

    /** A delivery's job gave up: said on the issue or pull request it came from, when the payload names one. */
    private static void reportFailure(LongFunction<GitHubGateway> gateways, WebhookEvent event, int attempts,
            String why) {
        var p = event.payload();
        int number = p.path("issue").path("number").asInt(p.path("pull_request").path("number").asInt(0));
        String repo = p.path("repository").path("full_name").asText("");
        long installation = p.path("installation").path("id").asLong(0);
        if (number == 0 || repo.isEmpty() || installation == 0) {
            return;
        }
        try {
            gateways.apply(installation).commentOnIssue(dev.grove.model.RepoRef.parse(repo), number,
                    Messages.jobFailed(event.event(), attempts, why));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    /** What this server knows of tasks, runs and plans (the database), for tools and tests in this process. */
    public dev.grove.store.StateStore store() {
        return state;
    }

    /** Experiments for this server's installations, for the comment commands {@code /grove try} and {@code pick}. */
    public ExperimentRunner experiments() {
        return experiments;
    }

    public int port() {
        return http == null ? -1 : http.port();
    }

    /** The admin port: the dashboard and {@code /metrics}. */
    public int adminPort() {
        return adminHttp.port();
    }

    /** Waits until every queued job has finished, in every process (tests). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return jobs.awaitIdle(timeout);
    }

    /** Jobs queued or running, in every process sharing the database. */
    public int pendingJobs() {
        return jobs.pending();
    }

    /**
     * Stops: no more webhooks or jobs; running jobs get up to the drain timeout to finish. Whatever is still
     * running then is left as the database has it (tasks {@code RUNNING}, jobs claimed by this process): its agents
     * are stopped without a word written, and the next start (or another process) resumes those jobs once this
     * process's heartbeat is stale. Returns true when everything finished within the drain timeout.
     */
    public boolean drain() {
        return drain(drainTimeout);
    }

    private boolean drain(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return true;
        }
        if (http != null) http.stop();
        jobs.pause();
        boolean drained = jobs.awaitOwnJobs(timeout);
        if (!drained) {
            log.warn("drain: jobs still running after {}; leaving them to be resumed", timeout);
            state.freeze();
            beats.shutdownNow();
            int stopped = runningAgents.cancelAll("Grove is shutting down");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (runningAgents.count() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            log.warn("drain: stopped {} agent(s); their tasks resume on the next start", stopped);
            return false;
        }
        jobs.close();
        beats.shutdownNow();
        taskPool.shutdownNow();
        db.close();
        log.info("drained: every job finished");
        return true;
    }

    /**
     * SIGTERM ({@code grove serve}'s shutdown hook): {@link #drain()}, and when jobs were left running, the process
     * ends at once, so that nothing after the drain records a stopped task as failed or its job as done.
     */
    public void shutdown() {
        log.info("stopping: no more webhooks or jobs; running jobs get up to {} to finish (GROVE_DRAIN_TIMEOUT)",
                drainTimeout);
        if (!drain()) {
            Runtime.getRuntime().halt(0);
        }
    }

    /** In-process stop (tests): a short drain, then everything closed. */
    @Override
    public void close() {
        if (!drain(Duration.ofSeconds(5))) {
            jobs.close();
            taskPool.shutdownNow();
            db.close();
        }
        adminHttp.stop();
    }
}
