package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.agent.AgentOutcome;
import dev.grove.agent.AgentRequest;
import dev.grove.agent.AgentCatalog;
import dev.grove.agent.AgentRunner;
import dev.grove.config.RepoConfig;
import dev.grove.git.CachedRepo;
import dev.grove.git.JGitClient;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.plan.Plan;
import dev.grove.plan.Task;
import dev.grove.store.FileStateStore;
import dev.grove.testing.GitFixtures;
import dev.grove.testing.RecordingGitHub;
import java.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner agent: a scripted agent in a real worktree of a real clone, answers read from its output. */
class PlanSourceIT {
    static final RepoRef REPO = new RepoRef("acme", "plan");

    @TempDir
    Path tmp;
    JGitClient git;
    CachedRepo clone;
    String base;
    RunnerSettings settings;

    @BeforeEach
    void setUp() {
        Path origin = GitFixtures.createOrigin(tmp);
        git = new JGitClient(tmp.resolve("data/cache"));
        settings = new RunnerSettings(tmp.resolve("data"), 2, Duration.ofSeconds(30), RunnerSettings.BRANCH_PREFIX);
        clone = git.sync(REPO, GitFixtures.fileUrl(origin), null);
        base = git.remoteBranchHead(clone, "main");
    }

    /** Answers each run with the next scripted output, records the prompts, and edits a file to try the worktree. */
    static final class ScriptedAgent implements AgentRunner {
        final List<String> answers;
        final List<AgentRequest> requests = new ArrayList<>();

        ScriptedAgent(String... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public AgentOutcome run(AgentRequest r) {
            requests.add(r);
            try {
                Files.writeString(r.workDir().resolve("README.md"), "scribbled by the planner\n");
                Files.writeString(r.logFile(), answers.get(requests.size() - 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new AgentOutcome.Finished("", Duration.ZERO);
        }
    }

    PlanSource source(AgentRunner agent) {
        return new PlanSource(PipelineSteps.create(id -> new RecordingGitHub(), null, git, AgentCatalog.single(agent),
                IssueBudget.UNLIMITED, new FileStateStore(tmp.resolve("data/state.json")), settings, Clock.systemUTC()),
                settings);
    }

    static RepoConfig config(int maxTasks) {
        return new ExperimentSettings(null, null, maxTasks).config();
    }

    RunRequest request(String body) {
        return new RunRequest(REPO, 1, 5, "Improve the app", body, "someone", clone.cloneUrl(), "main");
    }

    @Test
    void anInvalidAnswerIsSentBackWithItsErrorsAndTheSecondAnswerIsThePlan() {
        ScriptedAgent agent = new ScriptedAgent(
                "Thinking...\n{\"tasks\": [{\"title\": \"App\", \"paths\": [\"src/nowhere/**\"]}",
                "Sure:\n{\"tasks\": [{\"title\": \"App\", \"instructions\": \"Add main.\", "
                        + "\"paths\": [\"src/main/java/demo/App.java\"]},"
                        + " {\"title\": \"Guide\", \"paths\": [\"docs/**\", \"docs/setup.md\"]},"
                        + " {\"title\": \"Readme\", \"paths\": [\"README.md\", \"docs/guide.md\"]}]}\n");
        Plan plan = source(agent).plan(request("Make the app better; document it."), config(5), clone,
                base);

        assertEquals("the planner agent", plan.source());
        assertEquals(List.of(
                new Task(1, "App", "Add main.", List.of("src/main/java/demo/App.java")),
                new Task(2, "Guide", "", List.of("docs/**", "docs/setup.md")),
                new Task(3, "Readme", "", List.of("README.md", "docs/guide.md"))), plan.tasks());
        assertEquals(List.of(List.of(1, 2), List.of(3)),
                plan.waves().stream().map(w -> w.stream().map(Task::number).toList()).toList());
        assertEquals(2, agent.requests.size());
        String first = agent.requests.get(0).prompt();
        assertTrue(first.contains("Make the app better; document it."), first);
        assertTrue(first.contains("\nsrc/main/java/demo/App.java\n") && first.contains("\ndocs/guide.md\n"),
                "the file tree: " + first);
        assertTrue(first.contains("at most 5 tasks"), first);
        String second = agent.requests.get(1).prompt();
        assertTrue(second.startsWith(first), "the same prompt again");
        assertTrue(second.contains("- the answer holds no JSON object {\"tasks\": [...]}"), second);
        assertEquals("1", agent.requests.get(0).taskEnv().get("GROVE_PLANNING"));
        assertPlanningLeftNothing();
    }

    @Test
    void twoInvalidAnswersGiveOneTaskForTheWholeIssueWithANote() {
        ScriptedAgent agent = new ScriptedAgent("no idea", "{\"tasks\": [{\"title\": \"X\", \"paths\": []}]}");
        Plan plan = source(agent).plan(request("Do the thing."), config(5), clone, base);

        assertEquals(List.of(new Task(1, "Improve the app", "Do the thing.", List.of())), plan.tasks());
        assertEquals(List.of("The planner agent gave no valid plan (task 1 needs `paths`: a non-empty array of path "
                + "globs), so the whole issue is one task; add a checklist or a `grove` block to split it."), plan.notes());
        assertTrue(agent.requests.get(1).prompt().contains("- the answer holds no JSON object"));
        assertPlanningLeftNothing();
    }

    @Test
    void aWrittenPlanNeedsNoAgent() {
        ScriptedAgent agent = new ScriptedAgent();
        PlanSource source = source(agent);
        Plan fromChecklist = source.plan(request("- [ ] A\n  paths: a/**\n- [ ] B\n  paths: b/**\n"), config(5), clone, base);
        assertEquals("checklist", fromChecklist.source());
        Plan fromBlock = source.plan(request("```grove\ntasks:\n  - title: A\n    paths: [a/**]\n```\n- [ ] ignored\n"),
                config(5), clone, base);
        assertEquals("the `grove` block", fromBlock.source());
        assertEquals(List.of(new Task(1, "A", "", List.of("a/**"))), fromBlock.tasks());
        Plan broken = source.plan(request("```grove\ntasks: nope\n```\n"), config(5), clone, base);
        assertEquals(List.of(), broken.waves());
        assertTrue(broken.problem().startsWith("Nothing runs: the `grove` block needs a non-empty list `tasks:`"),
                broken.problem());
        assertEquals(0, agent.requests.size());
    }

    /** The planning worktree and its branch are gone; origin's main untouched. */
    private void assertPlanningLeftNothing() {
        assertFalse(git.branchNames(clone).stream().anyMatch(b -> b.contains("-plan-")), git.branchNames(clone).toString());
        try (Stream<Path> s = Files.list(settings.worktreesDir().resolve("acme/plan"))) {
            assertEquals(List.of(), s.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(base, git.remoteBranchHead(git.sync(REPO, clone.cloneUrl(), null), "main"));
    }
}
