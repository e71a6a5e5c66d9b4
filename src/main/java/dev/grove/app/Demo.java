package dev.grove.app;

import dev.grove.agent.AgentCatalog;
import dev.grove.agent.ProcessAgentRunner;
import dev.grove.git.JGitClient;
import dev.grove.github.DryRunGitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.model.RepoRef;
import dev.grove.pipeline.IssueBudget;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.PipelineSteps;
import dev.grove.model.RunRequest;
import dev.grove.pipeline.RunnerSettings;
import dev.grove.pipeline.TaskProgressListener;
import dev.grove.model.Durations;
import dev.grove.report.PlanText;
import dev.grove.store.FileStateStore;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code grove demo}: the real engine, offline. A sample repository with a local bare origin, an example issue of
 * three tasks, the example agent (examples/example-agent.sh) in three worktrees at once, real pushes with upstream
 * to that origin, and the pull requests it would open. Only GitHub is left out (a dry-run gateway).
 */
public final class Demo {
    static final RepoRef REPO = new RepoRef("acme", "shop");
    static final int ISSUE = 42;
    static final String ISSUE_TITLE = "Tidy up the shop before the release";
    static final String ISSUE_BODY = """
            Three independent pieces of work, each in its own folder, and one that overlaps the cart:

            - [ ] Add a discount rule to the cart
              paths: src/cart/**
              Percent discounts only; round down to the cent.
            - [ ] Make search ignore case
              paths: src/search/**
            - [ ] Document the release process
              paths: docs/**
            - [ ] Log cart changes
              paths: src/cart/CHANGES.md
            """;

    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    public int run(Path workDir) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Files.createDirectories(workDir);
        Path origin = createSampleOrigin(workDir);
        Path agent = workDir.resolve("example-agent.sh");
        try (InputStream in = Demo.class.getResourceAsStream("/examples/example-agent.sh")) {
            Files.copy(in, agent);
        }
        agent.toFile().setExecutable(true);

        RunnerSettings settings = new RunnerSettings(workDir.resolve("grove-data"), 3, Duration.ofMinutes(2),
                RunnerSettings.BRANCH_PREFIX);
        DryRunGitHubGateway github = new DryRunGitHubGateway("admin");
        ExecutorService pool = GroveServer.daemonPool("grove-demo");
        JGitClient git = new JGitClient(settings.cacheDir());
        // the agents' live progress lines, as the tracking comment shows them (throttled per task)
        TaskProgressListener progress = (key, line) -> out.println("  [" + key.task() + "] " + line);
        PipelineSteps steps = PipelineSteps.create(id -> github, null, git,
                AgentCatalog.single(new ProcessAgentRunner("sh " + shellQuote(agent.toString()), List.of())),
                IssueBudget.UNLIMITED, new FileStateStore(settings.dataDir().resolve("state.json")), settings,
                Clock.systemUTC());
        IssueRunner runner = new IssueRunner(steps, settings, pool, progress);

        out.println("Grove demo: issue #" + ISSUE + " \"" + ISSUE_TITLE + "\" on " + REPO + " (origin: " + origin + ")");
        IssueRunner.Result result = runner.run(new RunRequest(REPO, 0, ISSUE, ISSUE_TITLE, ISSUE_BODY, "demo-user",
                origin.toUri().toString(), "main"));
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);

        out.println();
        out.print(PlanText.render(result.plan()));
        out.println();
        Map<String, PullRequestDraft> prs = new java.util.HashMap<>();
        github.openedPullRequests().forEach(d -> prs.put(d.head(), d));
        List<String> problems = new ArrayList<>();
        for (TaskRecord t : result.tasks()) {
            // the demo has no GitHub: a task that got as far as its PR only had it drafted, and says so
            String status = t.status() == TaskStatus.PR_OPENED ? "pushed; PR drafted, not opened (no GitHub in the demo)"
                    : t.status().label();
            out.printf("Task %d: %s  [%s]%n", t.number(), t.title(), status);
            if (t.message() != null) {
                out.println("  note:     " + t.message());
            }
            if (t.branch() != null) {
                String upstream = git(origin.getParent(), "--git-dir", settings.cacheDir().resolve(REPO.owner())
                        .resolve(REPO.name() + ".git").toString(), "config", "--get", "branch." + t.branch() + ".merge");
                out.println("  branch:   " + t.branch() + " (upstream: origin " + upstream.trim() + ")");
            }
            if (t.headSha() != null) {
                String onOrigin = git(origin, "rev-parse", "refs/heads/" + t.branch()).trim();
                out.println("  commit:   " + t.headSha().substring(0, 12) + " (origin has "
                        + onOrigin.substring(0, Math.min(12, onOrigin.length())) + ")");
            }
            PullRequestDraft pr = t.branch() == null ? null : prs.get(t.branch());
            if (pr != null) {
                out.println("  would open PR #" + t.prNumber() + ": \"" + pr.title() + "\" " + pr.head() + " -> " + pr.base());
                pr.body().lines().limit(4).filter(l -> !l.isBlank()).forEach(l -> out.println("      | " + l));
            } else {
                problems.add("task " + t.number() + " opened no PR");
            }
        }
        out.println();
        if (result.mergeCheck() != null) {
            out.print(PlanText.conflictMatrix(result.mergeCheck(), result.tasks()));
            out.println();
        }
        out.printf("Wall time of the run %s; sum of task times %s; parallel speed-up %.1fx%n",
                Durations.format(result.totals().wall()), Durations.format(result.totals().taskTime()),
                result.totals().speedUp());
        out.println("Origin's main is untouched: " + git(origin, "log", "--oneline", "-1", "main").trim());
        out.println("Everything is under " + workDir + " (demo total " + Durations.format(
                Duration.ofNanos(System.nanoTime() - t0)) + ")");
        if (!problems.isEmpty()) {
            out.println("Demo FAILED: " + String.join("; ", problems));
            return 1;
        }
        return 0;
    }

    /** A bare origin holding one commit on main: a README and the three folders the example issue touches. */
    static Path createSampleOrigin(Path workDir) throws IOException, InterruptedException {
        Path seed = workDir.resolve("seed");
        Path origin = workDir.resolve("origin.git");
        Files.createDirectories(seed.resolve("src/cart"));
        Files.createDirectories(seed.resolve("src/search"));
        Files.createDirectories(seed.resolve("docs"));
        Files.writeString(seed.resolve("README.md"), "# acme/shop\n\nA sample repository for the Grove demo.\n");
        Files.writeString(seed.resolve("src/cart/Cart.java"), "class Cart {}\n");
        Files.writeString(seed.resolve("src/search/Search.java"), "class Search {}\n");
        Files.writeString(seed.resolve("docs/index.md"), "# Docs\n");
        git(workDir, "init", "-q", "--bare", "-b", "main", origin.toString());
        git(seed, "init", "-q", "-b", "main");
        git(seed, "add", "-A");
        git(seed, "-c", "user.name=Demo", "-c", "user.email=demo@example.com", "commit", "-q", "-m", "Initial commit");
        git(seed, "push", "-q", origin.toString(), "main:main");
        return origin;
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + output.trim());
        }
        return output;
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
