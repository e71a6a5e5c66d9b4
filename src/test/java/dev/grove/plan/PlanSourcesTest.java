package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The grove YAML block, the planner agent's JSON, and waves from {@code after}. */
class PlanSourcesTest {
    private final TaskPlanner planner = new TaskPlanner();
    static final List<String> FILES = List.of("README.md", "src/cart/Cart.java", "src/search/Search.java",
            "docs/index.md");

    private static List<List<Integer>> numbers(Plan plan) {
        return plan.waves().stream().map(w -> w.stream().map(Task::number).toList()).toList();
    }

    @Test
    void readsTheGroveBlockWithPathsAsListOrStringAndAfterByNumberOrTitle() {
        var result = GroveBlock.read("""
                Some words.

                ```grove
                tasks:
                  - title: Add the API
                    instructions: REST, JSON.
                    paths: [src/api/**]
                  - title: Use it in the UI
                    paths: src/ui/**, docs/ui.md
                    after: [Add the API]
                  - title: Docs
                    paths: docs/**
                    after: 1
                ```
                - [ ] a checklist item that is not the plan
                """);
        var tasks = assertInstanceOf(GroveBlock.Tasks.class, result).tasks();
        assertEquals(List.of(
                new Task(1, "Add the API", "REST, JSON.", List.of("src/api/**"), List.of()),
                new Task(2, "Use it in the UI", "", List.of("src/ui/**", "docs/ui.md"), List.of(1)),
                new Task(3, "Docs", "", List.of("docs/**"), List.of(1))), tasks);
    }

    @Test
    void aBrokenGroveBlockSaysWhatToFix() {
        assertInstanceOf(GroveBlock.Absent.class, GroveBlock.read("```yaml\ntasks: []\n```\n"));
        var bad = assertInstanceOf(GroveBlock.Invalid.class, GroveBlock.read("```grove\ntasks:\n  - paths: a/**\n"
                + "  - title: B\n    after: [Nope]\n```\n"));
        assertEquals("the `grove` block has problems: task 1 has no `title`; task 2 names `Nope` in `after`, which "
                + "is neither a task number nor the title of a task", bad.message());
        var yaml = assertInstanceOf(GroveBlock.Invalid.class, GroveBlock.read("~~~grove\ntasks: [\n~~~\n"));
        assertTrue(yaml.message().startsWith("the `grove` block is not valid YAML"), yaml.message());
    }

    @Test
    void afterOrdersTasksIntoWavesEvenAgainstPlanOrderAndSaysWhy() {
        Plan plan = planner.schedule(List.of(
                new Task(1, "UI", "", List.of("src/ui/**"), List.of(2)),
                new Task(2, "API", "", List.of("src/api/**"), List.of()),
                new Task(3, "Docs", "", List.of("docs/**"), List.of()),
                new Task(4, "Release", "", List.of("CHANGELOG.md"), List.of(1, 3))));
        assertNull(plan.problem());
        assertEquals(List.of(List.of(2, 3), List.of(1), List.of(4)), numbers(plan));
        assertEquals(List.of(
                "Task 1 (UI) waits for task 2 (API): it names it in `after`.",
                "Task 4 (Release) waits for task 1 (UI): it names it in `after`.",
                "Task 4 (Release) waits for task 3 (Docs): it names it in `after`."), plan.notes());
    }

    @Test
    void overlapAndAfterTogether() {
        Plan plan = planner.schedule(List.of(
                new Task(1, "A", "", List.of("src/**"), List.of(2)),
                new Task(2, "B", "", List.of("src/b/**"), List.of()),
                new Task(3, "C", "", List.of("src/c/New.java"), List.of())));
        // the order is B, A (it names B), C; C overlaps A's src/**, so it waits for A's wave
        assertEquals(List.of(List.of(2), List.of(1), List.of(3)), numbers(plan));
        assertEquals(List.of("Task 1 (A) waits for task 2 (B): it names it in `after`.",
                "Task 3 (C) waits for task 1 (A): `src/**` and `src/c/New.java` may cover the same files."),
                plan.notes());
    }

    @Test
    void aCycleIsReportedAndNothingRuns() {
        Plan plan = planner.schedule(List.of(
                new Task(1, "A", "", List.of("a/**"), List.of(3)),
                new Task(2, "B", "", List.of("b/**"), List.of(1)),
                new Task(3, "C", "", List.of("c/**"), List.of(2)),
                new Task(4, "D", "", List.of("d/**"), List.of())));
        assertEquals(List.of(), plan.waves());
        assertEquals("The tasks' `after` lists form a cycle: task 1 (A) waits for task 3 (C) waits for task 2 (B) "
                + "waits for task 1 (A); nothing runs. Remove one of these `after` entries.", plan.problem());
        Plan self = planner.schedule(List.of(new Task(1, "A", "", List.of("a/**"), List.of(1))));
        assertEquals("The tasks' `after` lists form a cycle: task 1 (A) waits for task 1 (A); nothing runs. "
                + "Remove one of these `after` entries.", self.problem());
        Plan unknown = planner.schedule(List.of(new Task(1, "A", "", List.of("a/**"), List.of(7))));
        assertTrue(unknown.problem().startsWith("Task 1 (A) names task 7 in `after`, but the plan has no task 7"),
                unknown.problem());
    }

    @Test
    void agentPlanAcceptsExistingFilesFoldersGlobsAndNewFilesInExistingFolders() {
        var result = AgentPlan.read("""
                Here is my plan:
                ```json
                {"tasks": [
                  {"title": "Cart discounts", "instructions": "Percent only.", "paths": ["src/cart/**"]},
                  {"title": "Search", "paths": ["src/search/Search.java", "src/search/Fuzzy.java"]},
                  {"title": "Docs", "paths": ["docs", "CHANGELOG.md"]}
                ]}
                ```
                """, 5, FILES);
        assertEquals(List.of(
                new Task(1, "Cart discounts", "Percent only.", List.of("src/cart/**")),
                new Task(2, "Search", "", List.of("src/search/Search.java", "src/search/Fuzzy.java")),
                new Task(3, "Docs", "", List.of("docs", "CHANGELOG.md"))),
                assertInstanceOf(AgentPlan.Valid.class, result).tasks());
    }

    @Test
    void agentPlanListsEveryProblem() {
        var result = AgentPlan.read("{\"tasks\": [{\"title\": \"\", \"paths\": [\"lib/**\"]},"
                + "{\"title\": \"B\", \"paths\": [\"src/nope/New.java\", \"../etc/passwd\"]},"
                + "{\"title\": \"C\"}]}", 2, FILES);
        assertEquals(List.of(
                "there are 3 tasks; at most 2 are allowed",
                "task 1 needs a non-empty string `title`",
                "task 1: `lib/**` matches no file, and is not a new file in a folder that exists",
                "task 2: `src/nope/New.java` matches no file, and is not a new file in a folder that exists",
                "task 2: `../etc/passwd` leaves the repository",
                "task 3 needs `paths`: a non-empty array of path globs"),
                assertInstanceOf(AgentPlan.Invalid.class, result).errors());
        assertEquals(List.of("the answer holds no JSON object {\"tasks\": [...]}"),
                assertInstanceOf(AgentPlan.Invalid.class, AgentPlan.read("I could not decide {oops", 3, FILES)).errors());
    }
}
