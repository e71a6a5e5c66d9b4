package dev.grove.pipeline;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentRunner;
import dev.grove.git.CachedRepo;
import dev.grove.model.DiffStat;
import dev.grove.git.GitClient;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.github.TokenSource;
import dev.grove.model.RunRequest;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.model.Durations;
import dev.grove.report.Messages;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experiments ({@code /grove try N [task K]}, {@code /grove pick K}): N independent attempts at the issue, or at
 * task K of its plan, each in its own worktree on branch {@code grove/<issue>-try-<n>}, each verified and measured,
 * compared in one table comment; picking one opens its pull request and removes the other attempts' worktrees and
 * branches, here and on origin. The attempts themselves are the state: {@link #pick} finds them by branch name.
 */
public final class ExperimentRunner {
    private static final Logger log = LoggerFactory.getLogger(ExperimentRunner.class);
    private static final Set<String> MAY_RUN = Set.of("admin", "write");
    public static final String MARKER = "<!-- grove:experiment -->";

    private final LongFunction<GitHubGateway> gateways;
    private final TokenSource tokens;
    private final GitClient git;
    private final AgentRunner agent;
    private final StateStore store;
    private final RunnerSettings settings;
    private final ExecutorService pool;
    private final Clock clock;
    private final PlanSource plans;

    public ExperimentRunner(LongFunction<GitHubGateway> gateways, TokenSource tokens, GitClient git, AgentRunner agent,
            StateStore store, RunnerSettings settings, ExecutorService pool, Clock clock) {
        this.gateways = gateways;
        this.tokens = tokens;
        this.git = git;
        this.agent = agent;
        this.store = store;
        this.settings = settings;
        this.pool = pool;
        this.clock = clock;
        this.plans = new PlanSource(git, agent, settings);
    }

    /**
     * One attempt. {@code pushed}: its branch is on origin. {@code verified}: null when there is no verify command
     * or it did not get that far. {@code measure}: the measure command's last line, when it was a number.
     */
    public record Attempt(int number, String branch, boolean pushed, Boolean verified, DiffStat diff, Duration time,
            Double measure, String note) {
    }

    public sealed interface TryOutcome {
        /** The attempts ran; {@code comment} is the comparison table posted on the issue. */
        record Ran(List<Attempt> attempts, String comment) implements TryOutcome {
        }

        /** Nothing ran; {@code message} (also posted on the issue) says why and what to do. */
        record Refused(String message) implements TryOutcome {
        }
    }

    public sealed interface PickOutcome {
        record Opened(int attempt, PullRequestRef pullRequest, List<String> removedBranches) implements PickOutcome {
        }

        record Refused(String message) implements PickOutcome {
        }
    }

    /**
     * {@code /grove try n [task taskNumber]}.
     *
     * @param taskNumber null: the whole issue; else that task of the issue's written plan
     */
    public TryOutcome tryAttempts(RunRequest req, int n, Integer taskNumber, ExperimentSettings s) throws IOException {
        GitHubGateway github = gateways.apply(req.installationId());
        Optional<String> refused = mayRun(req, github);
        if (refused.isPresent()) {
            return new TryOutcome.Refused(refused.get());
        }
        if (n < 1 || n > s.maxAttempts()) {
            return refuse(github, req, "`/grove try " + n + "` asks for " + n + " attempts; Grove runs 1 to "
                    + s.maxAttempts() + " at once (`max_tasks` in .github/grove.yml). Ask for fewer.");
        }
        if (!store.tryStartRun(req.repo(), req.issueNumber())) {
            return refuse(github, req, Messages.runStillGoing(req.issueNumber()));
        }
        try {
            CachedRepo clone = git.sync(req.repo(), req.cloneUrl(), credentials(req));
            String baseSha = git.remoteBranchHead(clone, req.defaultBranch());
            Task task;
            if (taskNumber == null) {
                task = new Task(1, req.issueTitle() == null ? "" : req.issueTitle().strip(),
                        req.issueBody() == null ? "" : req.issueBody().strip(), List.of());
            } else {
                Plan plan = plans.plan(req, clone, baseSha, s.maxAttempts());
                Optional<Task> found = plan.tasks().stream().filter(t -> t.number() == taskNumber).findFirst();
                if (found.isEmpty()) {
                    return refuse(github, req, "The plan of #" + req.issueNumber() + " has no task " + taskNumber
                            + " (it has " + plan.tasks().size() + "); `/grove plan` shows the tasks and their numbers.");
                }
                task = found.get();
            }
            Map<Integer, String> earlier = attemptBranches(req, clone);
            if (!earlier.isEmpty()) {
                return refuse(github, req, "#" + req.issueNumber() + " has attempts already (" + String.join(", ",
                        earlier.values().stream().map(b -> "`" + b + "`").toList()) + "). Keep one with `/grove pick K` "
                        + "before trying again.");
            }
            List<Attempt> attempts = runAttempts(req, clone, baseSha, task, n, s);
            String comment = table(req, task, taskNumber, attempts, s);
            github.commentOnIssue(req.repo(), req.issueNumber(), comment);
            return new TryOutcome.Ran(attempts, comment);
        } finally {
            store.finishRun(req.repo(), req.issueNumber());
        }
    }

    /** {@code /grove pick k}: opens attempt k's pull request, removes every other attempt here and on origin. */
    public PickOutcome pick(RunRequest req, int k) throws IOException {
        GitHubGateway github = gateways.apply(req.installationId());
        Optional<String> refused = mayRun(req, github);
        if (refused.isPresent()) {
            return new PickOutcome.Refused(refused.get());
        }
        if (!store.tryStartRun(req.repo(), req.issueNumber())) {
            return new PickOutcome.Refused(refuse(github, req, Messages.runStillGoing(req.issueNumber())).message());
        }
        try {
            GitCredentials creds = credentials(req);
            CachedRepo clone = git.sync(req.repo(), req.cloneUrl(), creds);
            Map<Integer, String> attempts = attemptBranches(req, clone);
            String keep = attempts.get(k);
            if (keep == null || !git.branchNames(clone).contains(keep) || !originHas(clone, keep)) {
                String msg = attempts.isEmpty()
                        ? "#" + req.issueNumber() + " has no attempts to pick from; start them with `/grove try N`."
                        : "There is no pushed attempt " + k + " of #" + req.issueNumber() + " (attempts: "
                                + String.join(", ", attempts.keySet().stream().map(String::valueOf).toList())
                                + "); pick one of those.";
                return new PickOutcome.Refused(refuse(github, req, msg).message());
            }
            Optional<PullRequestRef> existing = github.findPullRequest(req.repo(), keep);
            PullRequestRef pr = existing.isPresent() ? existing.get() : github.openPullRequest(req.repo(),
                    new PullRequestDraft(req.issueTitle(), keep, req.defaultBranch(), pickedBody(req, k, keep), false));
            List<String> removed = new ArrayList<>();
            for (Map.Entry<Integer, String> other : attempts.entrySet()) {
                if (other.getKey() == k) continue;
                String branch = other.getValue();
                Path dir = worktreeDir(req, branch);
                if (Files.exists(dir)) {
                    git.removeWorktree(new Worktree(clone, dir, branch, null), false);
                }
                git.deleteBranch(clone, branch, req.defaultBranch(), creds);
                removed.add(branch);
            }
            github.commentOnIssue(req.repo(), req.issueNumber(), "Kept attempt " + k + " (`" + keep + "`): #"
                    + pr.number() + ". Removed " + (removed.isEmpty() ? "no other attempts" : String.join(", ",
                    removed.stream().map(b -> "`" + b + "`").toList())) + ", here and on origin.");
            return new PickOutcome.Opened(k, pr, removed);
        } finally {
            store.finishRun(req.repo(), req.issueNumber());
        }
    }

    private List<Attempt> runAttempts(RunRequest req, CachedRepo clone, String baseSha, Task task, int n,
            ExperimentSettings s) {
        Semaphore slots = new Semaphore(Math.max(1, settings.maxParallel()));
        List<Future<Attempt>> running = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int number = i;
            running.add(pool.submit(dev.grove.webhook.LogContext.carry(() -> {
                slots.acquireUninterruptibly();
                try {
                    return attempt(req, clone, baseSha, task, number, s);
                } finally {
                    slots.release();
                }
            }, dev.grove.webhook.LogContext.TASK, "try-" + number)));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String branch = branch(req, i + 1);
            try {
                attempts.add(running.get(i).get());
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                log.warn("attempt {} of {}#{} failed: {}", i + 1, req.repo(), req.issueNumber(), cause.getMessage());
                attempts.add(new Attempt(i + 1, branch, false, null, null, null, null, cause.getMessage()));
            }
        }
        return attempts;
    }

    private Attempt attempt(RunRequest req, CachedRepo clone, String baseSha, Task task, int number,
            ExperimentSettings s) throws IOException {
        String branch = branch(req, number);
        Path dir = worktreeDir(req, branch);
        Files.createDirectories(dir.getParent());
        Path logs = settings.issueDir(req.repo(), req.issueNumber()).resolve("try-" + number);
        Files.createDirectories(logs);
        Instant start = clock.instant();
        Worktree wt = git.addWorktree(clone, branch, baseSha, dir);
        Map<String, String> env = TaskEnvironment.of(req.repo(), req.issueNumber(), task);
        env.put("GROVE_ATTEMPT", String.valueOf(number));
        AgentOutcome outcome = (s.agent() != null ? s.agent() : agent).run(new AgentRequest(wt.dir(), prompt(req, task, branch, number, s),
                logs.resolve("prompt.md"), env, settings.agentTimeout(), logs.resolve("agent.log")));
        if (!(outcome instanceof AgentOutcome.Finished)) {
            String why = outcome instanceof AgentOutcome.Failed f ? f.reason() : "the agent ran past its timeout";
            return new Attempt(number, branch, false, null, null, outcome.elapsed(), null,
                    why + "; worktree and log kept");
        }
        git.commitAll(wt, task.title() + " (attempt " + number + ")\n\nRefs #" + req.issueNumber(),
                TaskPipeline.AUTHOR_NAME, TaskPipeline.AUTHOR_EMAIL);
        Duration time = Duration.between(start, clock.instant());
        if (git.commitsAhead(wt) == 0) {
            git.removeWorktree(wt, true);
            return new Attempt(number, branch, false, null, new DiffStat(0, 0, 0), time, null,
                    "the agent changed nothing");
        }
        DiffStat diff = git.diffStat(wt);
        git.push(clone, branch, req.defaultBranch(), credentials(req));
        Boolean verified = null;
        List<String> notes = new ArrayList<>();
        if (s.verifyCommand() != null && !s.verifyCommand().isBlank()) {
            ShellCommand.Result v = ShellCommand.run(s.verifyCommand(), wt.dir(), s.commandTimeout(),
                    logs.resolve("verify.log"));
            verified = v.ok();
            if (!v.ok()) notes.add("verify exited with " + v.exitCode());
        }
        Double measure = null;
        if (s.measureCommand() != null && !s.measureCommand().isBlank()) {
            ShellCommand.Result m = ShellCommand.run(s.measureCommand(), wt.dir(), s.commandTimeout(),
                    logs.resolve("measure.log"));
            try {
                measure = m.ok() ? Double.parseDouble(m.lastLine()) : null;
                if (!m.ok()) notes.add("measure exited with " + m.exitCode());
            } catch (NumberFormatException e) {
                notes.add("measure's last line is not a number: `" + m.lastLine() + "`");
            }
        }
        return new Attempt(number, branch, true, verified, diff, time, measure,
                notes.isEmpty() ? null : String.join("; ", notes));
    }

    static String table(RunRequest req, Task task, Integer taskNumber, List<Attempt> attempts, ExperimentSettings s) {
        StringBuilder md = new StringBuilder(MARKER).append('\n');
        md.append("### Grove: ").append(attempts.size()).append(attempts.size() == 1 ? " attempt" : " attempts")
                .append(" at ").append(taskNumber == null ? "#" + req.issueNumber()
                        : "task " + taskNumber + " of #" + req.issueNumber() + " (" + task.title() + ")").append("\n\n");
        md.append("| Attempt | Branch | Verify | Diff | Files | Time | Measure |\n|---|---|---|---|---|---|---|\n");
        for (Attempt a : attempts) {
            String verify = a.verified() == null ? (s.verifyCommand() == null ? "n/a" : "not run")
                    : a.verified() ? ":white_check_mark: passed" : ":x: failed";
            md.append("| ").append(a.number())
                    .append(" | ").append(a.pushed() ? "`" + a.branch() + "`" : "")
                    .append(" | ").append(verify)
                    .append(" | ").append(a.diff() == null ? "" : "+" + a.diff().insertions() + " −" + a.diff().deletions())
                    .append(" | ").append(a.diff() == null ? "" : a.diff().files())
                    .append(" | ").append(Durations.format(a.time()))
                    .append(" | ").append(a.measure() == null ? "" : number(a.measure()))
                    .append(" |\n");
        }
        for (Attempt a : attempts) {
            if (a.note() != null) md.append("\n- Attempt ").append(a.number()).append(": ")
                    .append(a.note().replace("\n", " "));
        }
        md.append("\n\nKeep one with `/grove pick K`: Grove opens its pull request and removes the other attempts' "
                + "worktrees and branches.\n");
        return md.toString();
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String pickedBody(RunRequest req, int k, String branch) {
        return "Part of #" + req.issueNumber() + "\n\nAttempt " + k + " of `/grove try`, picked with `/grove pick " + k
                + "`.\n\n<sub>Opened by Grove from branch `" + branch + "`. Review and merge it like any other pull "
                + "request.</sub>\n";
    }

    private String prompt(RunRequest req, Task task, String branch, int number, ExperimentSettings s) {
        StringBuilder p = new StringBuilder();
        p.append("You are working on the repository ").append(req.repo().fullName()).append(", issue #")
                .append(req.issueNumber()).append(": ").append(req.issueTitle()).append("\n\n")
                .append("Your task: ").append(task.title()).append('\n');
        if (task.instructions() != null && !task.instructions().isBlank()) {
            p.append('\n').append(task.instructions().strip()).append('\n');
        }
        if (!task.paths().isEmpty()) {
            p.append("\nChange only files matching: ").append(String.join(", ", task.paths())).append('\n');
        }
        if (!s.promptVariants().isEmpty()) {
            p.append('\n').append(s.promptVariants().get((number - 1) % s.promptVariants().size()).strip()).append('\n');
        }
        p.append("\nThe current directory is a git worktree on branch ").append(branch)
                .append(". Edit the files; do not commit, push or switch branches.\n");
        return p.toString();
    }

    private Map<Integer, String> attemptBranches(RunRequest req, CachedRepo clone) {
        Pattern p = Pattern.compile(Pattern.quote(settings.branchPrefix() + req.issueNumber() + "-try-") + "(\\d+)");
        Map<Integer, String> out = new TreeMap<>();
        for (String b : git.branchNames(clone)) {
            Matcher m = p.matcher(b);
            if (m.matches()) out.put(Integer.parseInt(m.group(1)), b);
        }
        return out;
    }

    private boolean originHas(CachedRepo clone, String branch) {
        try {
            git.remoteBranchHead(clone, branch);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String branch(RunRequest req, int n) {
        return settings.branchPrefix() + req.issueNumber() + "-try-" + n;
    }

    private Path worktreeDir(RunRequest req, String branch) {
        return settings.worktreesDir().resolve(req.repo().owner()).resolve(req.repo().name())
                .resolve(branch.replace('/', '_'));
    }

    private Optional<String> mayRun(RunRequest req, GitHubGateway github) throws IOException {
        String permission = github.permissionOf(req.repo(), req.requestedBy());
        if (MAY_RUN.contains(permission)) {
            return Optional.empty();
        }
        String msg = Messages.notAllowed(req.requestedBy(), req.repo(), permission);
        github.commentOnIssue(req.repo(), req.issueNumber(), msg);
        return Optional.of(msg);
    }

    private TryOutcome.Refused refuse(GitHubGateway github, RunRequest req, String message) throws IOException {
        github.commentOnIssue(req.repo(), req.issueNumber(), message);
        return new TryOutcome.Refused(message);
    }

    private GitCredentials credentials(RunRequest req) {
        return GitTokens.credentials(tokens, req.installationId());
    }
}
