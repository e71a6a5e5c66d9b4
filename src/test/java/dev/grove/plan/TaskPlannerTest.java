package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskPlannerTest {
    private final TaskPlanner planner = new TaskPlanner();

    @Test
    void turnsUncheckedItemsIntoTasksWithPathsAndInstructions() {
        String body = """
                We need login.

                - [ ] Add login
                  paths: `src/auth/**`, docs/auth.md
                  Use the existing session store.
                  Keep it small.
                * [ ] Update docs
                   paths: `docs/**, README.md`
                 - [ ] Indented item
                """;
        Plan plan = planner.plan("Login", body);
        assertEquals(3, plan.tasks().size());
        Task first = plan.tasks().get(0);
        assertEquals(new Task(1, "Add login", "Use the existing session store.\nKeep it small.",
                List.of("src/auth/**", "docs/auth.md")), first);
        assertEquals(new Task(2, "Update docs", "", List.of("docs/**", "README.md")), plan.tasks().get(1));
        assertEquals(new Task(3, "Indented item", "", List.of()), plan.tasks().get(2));
    }

    @Test
    void skipsCheckedItemsAndTheirLines() {
        String body = """
                - [x] Done already
                  paths: src/**
                  old instructions
                - [X] Also done
                - [ ] Still to do
                  paths: lib/**
                """;
        Plan plan = planner.plan("t", body);
        assertEquals(List.of(new Task(1, "Still to do", "", List.of("lib/**"))), plan.tasks());
    }

    @Test
    void ignoresChecklistsInsideCodeFences() {
        String body = """
                Example of the format:
                ```markdown
                - [ ] Not a task
                  paths: x/**
                ```
                ~~~
                - [ ] Neither
                ~~~
                - [ ] Real task
                  ```
                  - [ ] part of the instructions
                  ```
                """;
        Plan plan = planner.plan("t", body);
        assertEquals(1, plan.tasks().size());
        Task task = plan.tasks().get(0);
        assertEquals("Real task", task.title());
        assertEquals("```\n- [ ] part of the instructions\n```", task.instructions());
    }

    @Test
    void nonIndentedTextEndsAnItem() {
        String body = """
                - [ ] One
                  step one

                Closing remarks, not instructions.
                """;
        assertEquals("step one", planner.plan("t", body).tasks().get(0).instructions());
    }

    @Test
    void withoutAChecklistTheWholeIssueIsOneTask() {
        Plan plan = planner.plan("Fix the flaky test", "It fails on CI.\n\n- a plain bullet\n");
        assertEquals(List.of(new Task(1, "Fix the flaky test", "It fails on CI.\n\n- a plain bullet", List.of())),
                plan.tasks());
        assertEquals(List.of(plan.tasks()), plan.waves());
        assertEquals(List.of(), plan.notes());
    }

    @Test
    void nullBodyIsOneTaskWithNoInstructions() {
        Plan plan = planner.plan("Title only", null);
        assertEquals(List.of(new Task(1, "Title only", "", List.of())), plan.tasks());
        assertEquals(1, plan.waves().size());
    }

    @Test
    void everyItemCheckedMeansNothingToRun() {
        Plan plan = planner.plan("t", "- [x] done\n- [x] done too\n");
        assertTrue(plan.tasks().isEmpty());
        assertTrue(plan.waves().isEmpty());
        assertEquals(1, plan.notes().size());
    }

    @Test
    void windowsLineEndingsAndTabs() {
        Plan plan = planner.plan("t", "- [ ] A\r\n\tpaths: a/**\r\n\tdo a\r\n- [ ] B\r\n");
        assertEquals(new Task(1, "A", "do a", List.of("a/**")), plan.tasks().get(0));
        assertEquals(new Task(2, "B", "", List.of()), plan.tasks().get(1));
    }
}
