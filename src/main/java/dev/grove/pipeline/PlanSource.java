package dev.grove.pipeline;

import dev.grove.agent.AgentMessages;
import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.AgentPlan;
import dev.grove.plan.GroveBlock;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.plan.TaskPlanner;
import dev.grove.worktree.Workspaces;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an issue's plan comes from, in this order: a fenced {@code grove} block (YAML), else the checklist, else a
 * planner agent. The planner agent is the configured agent, run in a throwaway worktree of the base branch (removed
 * afterwards, whatever it changed), with the issue text and the repository's file tree; it must answer with JSON
 * {@code {"tasks":[{title, instructions, paths}]}}. An invalid answer is sent back once with its errors; a second
 * invalid answer gives one task for the whole issue. The pure parts live in {@code plan/}.
 */
public final class PlanSource {
    private static final Logger log = LoggerFactory.getLogger(PlanSource.class);
    static final int DEFAULT_MAX_TASKS = 10;
    static final int MAX_TREE_LINES = 2000;
    static final long MAX_ANSWER_BYTES = 1 << 20;

    private final PipelineSteps steps;
    private final RunnerSettings settings;
    private final TaskPlanner planner = new TaskPlanner();

    public PlanSource(PipelineSteps steps, RunnerSettings settings) {
        this.steps = steps;
        this.settings = settings;
    }

    /** The plan written in the issue (a {@code grove} block or a checklist); empty when the issue has neither. */
    public Optional<Plan> fromIssueText(String issueTitle, String issueBody) {
        return fromIssueText(issueTitle, issueBody, TaskPlanner.MAX_TASKS);
    }

    /** {@link #fromIssueText(String, String)} with the repository's {@code max_tasks}: more tasks run nothing. */
    public Optional<Plan> fromIssueText(String issueTitle, String issueBody, int maxTasks) {
        GroveBlock.Result block = GroveBlock.read(issueBody);
        if (block instanceof GroveBlock.Tasks t) {
            return Optional.of(planner.schedule(t.tasks(), maxTasks).withSource("the `grove` block"));
        }
        if (block instanceof GroveBlock.Invalid inv) {
            return Optional.of(new Plan(List.of(), List.of(), List.of(), "the `grove` block",
                    "Nothing runs: " + inv.message() + ". Fix the block in the issue and trigger Grove again."));
        }
        if (planner.hasChecklist(issueBody)) {
            return Optional.of(planner.plan(issueTitle, issueBody, maxTasks));
        }
        return Optional.empty();
    }

    /** The plan of the issue: written in it, else from the planner agent (see the class comment). */
    public Plan plan(RunRequest req, RepoConfig config, CachedRepo clone, String baseSha) {
        Optional<Plan> written = fromIssueText(req.issueTitle(), req.issueBody(), config.maxTasks());
        if (written.isPresent()) {
            return written.get();
        }
        return fromAgent(req, config, clone, baseSha);
    }

    /**
     * The planner agent's plan, asked at most twice; one task for the whole issue when both answers are invalid. Each
     * ask is an agent run of the issue like any other: charged to its budget, recorded (as the issue's planner), and
     * stopped by {@code /grove cancel}, which stops the run too (a plan with a problem).
     */
    public Plan fromAgent(RunRequest req, RepoConfig config, CachedRepo clone, String baseSha) {
        int maxTasks = config.maxTasks();
        List<String> files = steps.git().listFiles(clone, baseSha);
        String prompt = prompt(req, files, maxTasks);
        TaskKey key = TaskKey.planner(req.repo(), req.issueNumber());
        Path planDir = settings.issueDir(req.repo(), req.issueNumber()).resolve("plan");
        TaskRecord rec = steps.agents().start(key, 0, "Plan the issue");
        List<String> errors = List.of();
        String ended = "planner failed";
        try (Workspaces.Lease lease = steps.workspaces().lease(clone, settings.branchPrefix(), req.issueNumber(), baseSha)) {
            Files.createDirectories(planDir);
            for (int attempt = 1; attempt <= 2; attempt++) {
                String ask = attempt == 1 ? prompt : prompt + retry(errors);
                Path logFile = planDir.resolve("planner-" + attempt + ".log");
                AgentStep.Result result = steps.agents().run(key, config, new AgentRequest(lease.worktree().dir(), ask,
                        planDir.resolve("prompt-" + attempt + ".md"), Map.of("GROVE_PLANNING", "1", "GROVE_ISSUE_NUMBER",
                        String.valueOf(req.issueNumber()), "GROVE_REPOSITORY", req.repo().fullName(),
                        "GROVE_TASK_TITLE", "Plan the issue", "GROVE_TASK_PATHS", ""), null, logFile, null, null, null),
                        null, AgentStep.RUN);
                if (result instanceof AgentStep.Result.NotRun n) {
                    errors = List.of("the planner agent did not start: " + n.message());
                    break;
                }
                AgentStep.Result.Ran ran = (AgentStep.Result.Ran) result;
                if (ran.cancelledBy() != null) {
                    ended = "cancelled by @" + ran.cancelledBy();
                    return new Plan(List.of(), List.of(), List.of(), "the planner agent", "The planner agent was "
                            + ended + ", so nothing runs. Trigger Grove again to plan anew.");
                }
                AgentOutcome outcome = ran.outcome();
                if (!(outcome instanceof AgentOutcome.Finished)) {
                    errors = List.of("the planner agent did not finish: "
                            + AgentMessages.whyNotFinished(outcome, "the planner agent"));
                    break;
                }
                // an agent that reports its final answer (Claude Code's result) is read from that, not from its raw log
                String answer = outcome.report().summary() != null ? outcome.report().summary() : readAnswer(logFile);
                AgentPlan.Result parsed = AgentPlan.read(answer, maxTasks, files);
                if (parsed instanceof AgentPlan.Valid v) {
                    Plan plan = planner.schedule(v.tasks()).withSource("the planner agent");
                    log.info("{}#{}: the planner agent proposed {} tasks (attempt {})", req.repo(), req.issueNumber(),
                            v.tasks().size(), attempt);
                    ended = "proposed " + v.tasks().size() + " tasks";
                    return plan;
                }
                errors = ((AgentPlan.Invalid) parsed).errors();
                log.info("{}#{}: the planner agent's answer {} was invalid: {}", req.repo(), req.issueNumber(), attempt,
                        errors);
            }
            ended = String.join("; ", errors);
        } catch (IOException | RuntimeException e) {
            errors = List.of("the planner agent could not run: " + e.getMessage());
            ended = errors.get(0);
        } finally {
            TaskRecord now = steps.store().task(key).orElse(rec);
            steps.store().saveTask(now.withStatus(ended.startsWith("proposed") ? TaskStatus.NO_CHANGES : TaskStatus.FAILED)
                    .withMessage(ended));
        }
        return oneTask(req, errors);
    }

    private Plan oneTask(RunRequest req, List<String> agentErrors) {
        String title = req.issueTitle() == null ? "" : req.issueTitle().strip();
        String body = req.issueBody() == null ? "" : req.issueBody().strip();
        Plan plan = planner.schedule(List.of(new Task(1, title, body, List.of())));
        if (agentErrors == null) {
            return plan.withSource("the issue as one task");
        }
        List<String> notes = new ArrayList<>(plan.notes());
        notes.add("The planner agent gave no valid plan (" + String.join("; ", agentErrors)
                + "), so the whole issue is one task; add a checklist or a `grove` block to split it.");
        return new Plan(plan.tasks(), plan.waves(), notes, "the issue as one task", null);
    }

    static String prompt(RunRequest req, List<String> files, int maxTasks) {
        StringBuilder p = new StringBuilder();
        p.append("You are planning work on the repository ").append(req.repo().fullName()).append(", issue #")
                .append(req.issueNumber()).append(": ").append(req.issueTitle()).append("\n\n")
                .append("Split the issue into at most ").append(maxTasks).append(" tasks that other agents can do in ")
                .append("parallel, each in its own branch. Give each task the paths (globs) it may change; tasks whose ")
                .append("paths overlap will run one after the other, so keep them apart where you can. A path must match ")
                .append("an existing file or folder, or name a new file in a folder that exists.\n\n")
                .append("Do not change any file. Answer with only this JSON, nothing else:\n")
                .append("{\"tasks\": [{\"title\": \"...\", \"instructions\": \"...\", \"paths\": [\"src/x/**\"]}]}\n\n")
                .append("## The issue\n\n").append(req.issueBody() == null ? "" : req.issueBody().strip()).append("\n\n")
                .append("## The repository's files\n\n");
        files.stream().limit(MAX_TREE_LINES).forEach(f -> p.append(f).append('\n'));
        if (files.size() > MAX_TREE_LINES) {
            p.append("… and ").append(files.size() - MAX_TREE_LINES).append(" more files\n");
        }
        return p.toString();
    }

    private static String retry(List<String> errors) {
        StringBuilder p = new StringBuilder("\n## Your previous answer was not valid\n\n");
        errors.forEach(e -> p.append("- ").append(e).append('\n'));
        p.append("\nAnswer again with only the corrected JSON.\n");
        return p.toString();
    }

    private static String readAnswer(Path logFile) throws IOException {
        if (!Files.exists(logFile)) return "";
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(0, f.length() - MAX_ANSWER_BYTES);
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
