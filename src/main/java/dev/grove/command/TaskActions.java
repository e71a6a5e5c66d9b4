package dev.grove.command;

import dev.grove.config.RepoConfig;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskRecord;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.RunOptions;
import dev.grove.plan.BranchNamer;
import dev.grove.plan.Plan;
import dev.grove.store.SavedPlan;
import dev.grove.store.StateStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What several commands and triggers share: running tasks (code owners checked), retrying one, finding one. */
final class TaskActions {
    private final IssueRunner runner;
    private final StateStore store;
    private final CommandAuthorizer authorizer;

    TaskActions(IssueRunner runner, StateStore store, CommandAuthorizer authorizer) {
        this.runner = runner;
        this.store = store;
        this.authorizer = authorizer;
    }

    IssueRunner runner() {
        return runner;
    }

    StateStore store() {
        return store;
    }

    /** Runs the plan's tasks {@code only} (empty: all), those the requester may run. */
    void run(GitHubGateway github, RunRequest req, RepoConfig config, Set<Integer> only) {
        Optional<SavedPlan> shown = store.plan(req.repo(), req.issueNumber()).filter(SavedPlan::shownForApproval);
        if (shown.isPresent() && !shown.get().madeFrom(req.issueBody())) {
            // approval means what was approved: never run a plan nobody was shown
            CommandContext.reply(github, req, "The issue changed since `/grove plan` showed its plan, so nothing was"
                    + " started: what would run now is not what was shown. `/grove plan` shows the new plan; then"
                    + " `/grove run` runs it.");
            return;
        }
        List<String> notes = new ArrayList<>();
        Plan plan = runner.planFor(req, notes, config);
        Set<Integer> numbers = plan.tasks().stream().map(t -> t.number()).collect(Collectors.toSet());
        Set<Integer> unknown = new HashSet<>(only);
        unknown.removeAll(numbers);
        if (!unknown.isEmpty()) {
            CommandContext.reply(github, req, "The plan has no task " + unknown.stream().sorted()
                    .map(String::valueOf).collect(Collectors.joining(", ")) + " (it has tasks 1 to " + numbers.size()
                    + "), so nothing was started. `/grove plan` shows them.");
            return;
        }
        notes.forEach(n -> CommandContext.reply(github, req, n));
        Set<Integer> allowed = allowedTasks(github, req, req.requestedBy(), config, plan, only.isEmpty() ? numbers : only);
        if (allowed.isEmpty() && !numbers.isEmpty()) {
            return; // the requester owns none of the tasks; the reply said who does
        }
        runner.run(req, new RunOptions(config, allowed.equals(numbers) ? Set.of() : allowed, plan));
    }

    /** Runs one failed task again, if {@code by} may run it. */
    void retry(GitHubGateway github, RunRequest req, RepoConfig config, TaskRecord task, String by) {
        Plan plan = store.plan(req.repo(), req.issueNumber()).map(SavedPlan::plan).orElse(null);
        if (plan != null && allowedTasks(github, req, by, config, plan, Set.of(task.number())).isEmpty()) {
            return;
        }
        runner.run(req, new RunOptions(config, Set.of(task.number()), plan));
    }

    private Set<Integer> allowedTasks(GitHubGateway github, RunRequest req, String user, RepoConfig config, Plan plan,
            Set<Integer> wanted) {
        CommandAuthorizer.TaskPermission p = authorizer.tasks(github, req.repo(), user, req.defaultBranch(), config,
                plan.tasks(), wanted);
        if (p.refusal() != null) {
            CommandContext.reply(github, req, p.refusal());
        }
        return p.allowed();
    }

    /** A task of the issue's plan by number, slug or title (any case). */
    Optional<TaskRecord> find(RunRequest req, String ref) {
        String r = ref.strip();
        String slug = BranchNamer.slug(r);
        return planTasks(req).stream().filter(t -> String.valueOf(t.number()).equals(r) || t.key().task().equals(r)
                || t.title().equalsIgnoreCase(r) || t.key().task().equals(slug)).findFirst();
    }

    String noSuchTask(RunRequest req, String ref) {
        List<TaskRecord> tasks = planTasks(req);
        return "#" + req.issueNumber() + " has no task `" + ref + "`." + (tasks.isEmpty() ? " Nothing was planned yet."
                : " Its tasks: " + tasks.stream().map(t -> t.number() + " " + t.title())
                        .collect(Collectors.joining("; ")) + ".");
    }

    private List<TaskRecord> planTasks(RunRequest req) {
        return store.tasks(req.repo(), req.issueNumber()).stream().filter(t -> t.key().inPlan()).toList();
    }

    /** How a reply names the records it stopped: {@code task 2}, {@code tasks 2, 3}, {@code attempt 1}, {@code the planner}. */
    static String describe(List<TaskRecord> stopped) {
        List<String> numbers = stopped.stream().filter(t -> t.key().inPlan()).map(t -> String.valueOf(t.number()))
                .toList();
        List<String> parts = new ArrayList<>();
        if (!numbers.isEmpty()) {
            parts.add("task" + (numbers.size() == 1 ? " " : "s ") + String.join(", ", numbers));
        }
        stopped.stream().filter(t -> !t.key().inPlan()).forEach(t -> parts.add(t.key().label(t.number())));
        return String.join(", ", parts);
    }
}
