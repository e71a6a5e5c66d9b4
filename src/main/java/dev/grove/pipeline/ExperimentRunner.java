package dev.grove.pipeline;

import dev.grove.agent.AgentMessages;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.TaskEnvironment;
import dev.grove.agent.TaskPrompt;
import dev.grove.git.CachedRepo;
import dev.grove.git.GitCredentials;
import dev.grove.git.Worktree;
import dev.grove.github.GitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.model.Attempt;
import dev.grove.model.DiffStat;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.publish.PublishOutcome;
import dev.grove.publish.Publisher;
import dev.grove.publish.PullRequests;
import dev.grove.publish.ShellCommand;
import dev.grove.report.ExperimentTable;
import dev.grove.report.Messages;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experiments ({@code /grove try N [task K]}, {@code /grove pick K}): N independent attempts at the issue, or at
 * task K of its plan, each in its own worktree on branch {@code grove/<issue>-try-<n>}, each run through the same
 * agent step as a task (charged to the issue's budget, recorded, stopped by {@code /grove cancel}) and published the
 * same way (verified before it is pushed), then measured, and compared in one table comment; picking one opens its
 * pull request and removes the other attempts' worktrees and branches, here and on origin. The attempts' branches are
 * the state: {@link #pick} finds them by name. Who may run them is the command's business ({@code CommandAuthorizer}).
 */
public final class ExperimentRunner {
    private static final Logger log = LoggerFactory.getLogger(ExperimentRunner.class);

    private final PipelineSteps steps;
    private final RunnerSettings settings;
    private final ExecutorService pool;
    private final PlanSource plans;

    public ExperimentRunner(PipelineSteps steps, RunnerSettings settings, ExecutorService pool) {
        this.steps = steps;
        this.settings = settings;
        this.pool = pool;
        this.plans = new PlanSource(steps, settings);
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
        GitHubGateway github = steps.gateways().apply(req.installationId());
        if (n < 1 || n > s.maxAttempts()) {
            return refuse(github, req, "`/grove try " + n + "` asks for " + n + " attempts; Grove runs 1 to "
                    + s.maxAttempts() + " at once (`max_tasks` in .github/grove.yml). Ask for fewer.");
        }
        if (!steps.store().tryStartRun(req.repo(), req.issueNumber())) {
            return refuse(github, req, Messages.runStillGoing(req.issueNumber()));
        }
        try {
            CachedRepo clone = steps.workspaces().sync(req.repo(), req.cloneUrl(), req.installationId());
            String baseSha = steps.git().remoteBranchHead(clone, req.defaultBranch());
            Task task;
            if (taskNumber == null) {
                task = new Task(1, req.issueTitle() == null ? "" : req.issueTitle().strip(),
                        req.issueBody() == null ? "" : req.issueBody().strip(), List.of());
            } else {
                Plan plan = plans.plan(req, s.config(), clone, baseSha);
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
            String comment = ExperimentTable.render(req.repo(), req.issueNumber(), taskNumber, task.title(), attempts,
                    s.verifyCommand() != null);
            github.commentOnIssue(req.repo(), req.issueNumber(), comment);
            return new TryOutcome.Ran(attempts, comment);
        } finally {
            steps.store().finishRun(req.repo(), req.issueNumber());
        }
    }

    /** {@code /grove pick k}: opens attempt k's pull request, removes every other attempt here and on origin. */
    public PickOutcome pick(RunRequest req, int k) throws IOException {
        GitHubGateway github = steps.gateways().apply(req.installationId());
        if (!steps.store().tryStartRun(req.repo(), req.issueNumber())) {
            return new PickOutcome.Refused(refuse(github, req, Messages.runStillGoing(req.issueNumber())).message());
        }
        try {
            GitCredentials creds = steps.workspaces().credentials(req.installationId());
            CachedRepo clone = steps.git().sync(req.repo(), req.cloneUrl(), creds);
            Map<Integer, String> attempts = attemptBranches(req, clone);
            String keep = attempts.get(k);
            if (keep == null || !steps.git().branchNames(clone).contains(keep) || !originHas(clone, keep)) {
                String msg = attempts.isEmpty()
                        ? "#" + req.issueNumber() + " has no attempts to pick from; start them with `/grove try N`."
                        : "There is no pushed attempt " + k + " of #" + req.issueNumber() + " (attempts: "
                                + String.join(", ", attempts.keySet().stream().map(String::valueOf).toList())
                                + "); pick one of those.";
                return new PickOutcome.Refused(refuse(github, req, msg).message());
            }
            PullRequestRef pr = PullRequests.openOrFind(github, req.repo(), new PullRequestDraft(req.issueTitle(), keep,
                    req.defaultBranch(), ExperimentTable.pickedBody(req.issueNumber(), k, keep), false));
            List<String> removed = new ArrayList<>();
            for (Map.Entry<Integer, String> other : attempts.entrySet()) {
                if (other.getKey() == k) continue;
                String branch = other.getValue();
                if (steps.workspaces().hasWorktree(req.repo(), branch)) {
                    steps.workspaces().release(clone, branch, null, false);
                }
                steps.git().deleteBranch(clone, branch, req.defaultBranch(), creds);
                removed.add(branch);
            }
            github.commentOnIssue(req.repo(), req.issueNumber(), "Kept attempt " + k + " (`" + keep + "`): #"
                    + pr.number() + ". Removed " + (removed.isEmpty() ? "no other attempts" : String.join(", ",
                    removed.stream().map(b -> "`" + b + "`").toList())) + ", here and on origin.");
            return new PickOutcome.Opened(k, pr, removed);
        } finally {
            steps.store().finishRun(req.repo(), req.issueNumber());
        }
    }

    private List<Attempt> runAttempts(RunRequest req, CachedRepo clone, String baseSha, Task task, int n,
            ExperimentSettings s) {
        Semaphore slots = new Semaphore(Math.max(1, settings.maxParallel()));
        List<Future<Attempt>> running = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int number = i;
            running.add(pool.submit(dev.grove.queue.LogContext.carry(() -> {
                slots.acquireUninterruptibly();
                try {
                    return attempt(req, clone, baseSha, task, number, s);
                } finally {
                    slots.release();
                }
            }, dev.grove.queue.LogContext.TASK, "try-" + number)));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                attempts.add(running.get(i).get());
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                log.warn("attempt {} of {}#{} failed: {}", i + 1, req.repo(), req.issueNumber(), cause.getMessage());
                end(TaskKey.attempt(req.repo(), req.issueNumber(), i + 1), TaskStatus.FAILED, cause.getMessage());
                attempts.add(new Attempt(i + 1, branch(req, i + 1), false, null, null, null, null, cause.getMessage()));
            }
        }
        return attempts;
    }

    private Attempt attempt(RunRequest req, CachedRepo clone, String baseSha, Task task, int number,
            ExperimentSettings s) {
        String branch = branch(req, number);
        TaskKey key = TaskKey.attempt(req.repo(), req.issueNumber(), number);
        steps.store().saveTask(steps.agents().start(key, number, "Attempt " + number + ": " + task.title())
                .withBranch(branch));
        Instant start = steps.clock().instant();
        Worktree wt = steps.workspaces().provision(clone, branch, baseSha);
        Path logs = steps.workspaces().logDir(key);
        Map<String, String> env = TaskEnvironment.of(req.repo(), req.issueNumber(), task);
        env.put("GROVE_ATTEMPT", String.valueOf(number));
        String variant = s.promptVariants().isEmpty() ? null
                : s.promptVariants().get((number - 1) % s.promptVariants().size());
        String setupFailed = BeforeAgent.setup(steps, s.config(), wt.dir(), logs).orElse(null);
        var context = setupFailed != null ? null : BeforeAgent.context(steps, steps.gateways().apply(
                req.installationId()), s.config(), req.repo(), req.issueNumber(), wt.dir());
        AgentStep.Result result = setupFailed != null ? new AgentStep.Result.NotRun(setupFailed) : steps.agents().run(
                key, s.config(), new AgentRequest(wt.dir(), TaskPrompt.forTask(req.repo(), req.issueNumber(),
                req.issueTitle(), task, branch, variant, context), logs.resolve("prompt.md"), env, null,
                logs.resolve("agent.log"), null, null, null), null, AgentStep.RUN);
        Duration time = Duration.between(start, steps.clock().instant());
        String stopped = result instanceof AgentStep.Result.NotRun nr ? nr.message()
                : ((AgentStep.Result.Ran) result).cancelledBy() != null
                        ? "cancelled by @" + ((AgentStep.Result.Ran) result).cancelledBy()
                        : ((AgentStep.Result.Ran) result).outcome() instanceof AgentOutcome.Finished ? null
                        : AgentMessages.whyNotFinished(((AgentStep.Result.Ran) result).outcome());
        if (stopped != null) {
            end(key, TaskStatus.FAILED, stopped);
            return new Attempt(number, branch, false, null, null, time, null, stopped + "; worktree and log kept");
        }
        PublishOutcome published = steps.publisher().publish(wt, new Publisher.Publication(task.title() + " (attempt "
                + number + ")\n\nRefs #" + req.issueNumber(), s.verifyCommand(), s.commandTimeout(), logs,
                req.defaultBranch(), true), () -> steps.workspaces().credentials(req.installationId()), verified -> { });
        if (published instanceof PublishOutcome.LeftBranch left) {
            end(key, TaskStatus.FAILED, left.message());
            return new Attempt(number, branch, false, null, null, time, null, left.message());
        }
        if (published instanceof PublishOutcome.NoChanges) {
            end(key, TaskStatus.NO_CHANGES, "the agent changed nothing");
            return new Attempt(number, branch, false, null, new DiffStat(0, 0, 0), time, null, "the agent changed nothing");
        }
        PublishOutcome.Pushed pushed = (PublishOutcome.Pushed) published;
        steps.store().task(key).ifPresent(r -> steps.store().saveTask(r.withHeadSha(pushed.sha())));
        end(key, TaskStatus.PUSHED, null);
        List<String> notes = new ArrayList<>();
        if (pushed.verifyFailed()) notes.add(pushed.verify().summary());
        Double measure = measure(s, wt, logs, notes);
        return new Attempt(number, branch, true, pushed.verify() == null ? null : pushed.verify().passed(), pushed.diff(),
                time, measure, notes.isEmpty() ? null : String.join("; ", notes));
    }

    private static Double measure(ExperimentSettings s, Worktree wt, Path logs, List<String> notes) {
        if (s.measureCommand() == null || s.measureCommand().isBlank()) {
            return null;
        }
        ShellCommand.Result m = ShellCommand.run(s.measureCommand(), wt.dir(), s.commandTimeout(),
                logs.resolve("measure.log"));
        if (!m.ok()) {
            notes.add("measure exited with " + m.exitCode());
            return null;
        }
        try {
            return Double.parseDouble(m.lastLine());
        } catch (NumberFormatException e) {
            notes.add("measure's last line is not a number: `" + m.lastLine() + "`");
            return null;
        }
    }

    private void end(TaskKey key, TaskStatus status, String message) {
        steps.store().task(key).ifPresent(r -> steps.store().saveTask(r.withStatus(status).withMessage(message)));
    }

    private Map<Integer, String> attemptBranches(RunRequest req, CachedRepo clone) {
        Pattern p = Pattern.compile(Pattern.quote(settings.branchPrefix() + req.issueNumber() + "-try-") + "(\\d+)");
        Map<Integer, String> out = new TreeMap<>();
        for (String b : steps.git().branchNames(clone)) {
            Matcher m = p.matcher(b);
            if (m.matches()) out.put(Integer.parseInt(m.group(1)), b);
        }
        return out;
    }

    private boolean originHas(CachedRepo clone, String branch) {
        try {
            steps.git().remoteBranchHead(clone, branch);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String branch(RunRequest req, int n) {
        return settings.branchPrefix() + req.issueNumber() + "-try-" + n;
    }

    private TryOutcome.Refused refuse(GitHubGateway github, RunRequest req, String message) throws IOException {
        github.commentOnIssue(req.repo(), req.issueNumber(), message);
        return new TryOutcome.Refused(message);
    }
}
