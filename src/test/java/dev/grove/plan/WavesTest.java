package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WavesTest {
    private final TaskPlanner planner = new TaskPlanner();

    private static List<List<Integer>> numbers(Plan plan) {
        return plan.waves().stream().map(w -> w.stream().map(Task::number).toList()).toList();
    }

    @Test
    void overlappingTasksGoInSeparateWavesWithANote() {
        Plan plan = planner.plan("t", """
                - [ ] Add login
                  paths: src/auth/**, docs/**
                - [ ] Add billing
                  paths: src/billing/**
                - [ ] Update docs
                  paths: docs/**
                """);
        assertEquals(List.of(List.of(1, 2), List.of(3)), numbers(plan));
        assertEquals(List.of("Task 3 (Update docs) waits for task 1 (Add login): both may touch `docs/**`."),
                plan.notes());
    }

    @Test
    void differentGlobsThatOverlapAreNamedBoth() {
        Plan plan = planner.plan("t", """
                - [ ] A
                  paths: src/auth/**
                - [ ] B
                  paths: src/auth/New.java
                """);
        assertEquals(List.of(List.of(1), List.of(2)), numbers(plan));
        assertEquals(List.of("Task 2 (B) waits for task 1 (A): `src/auth/**` and `src/auth/New.java` may cover "
                + "the same files."), plan.notes());
    }

    @Test
    void disjointTasksShareOneWave() {
        Plan plan = planner.plan("t", """
                - [ ] A
                  paths: a/**
                - [ ] B
                  paths: b/**
                - [ ] C
                  paths: *.md
                - [ ] D
                  paths: docs/x.md
                """);
        assertEquals(List.of(List.of(1, 2, 3, 4)), numbers(plan));
        assertEquals(List.of(), plan.notes());
    }

    @Test
    void aTaskWithoutPathsRunsAlone() {
        Plan plan = planner.plan("t", """
                - [ ] A
                  paths: a/**
                - [ ] Refactor
                - [ ] C
                  paths: c/**
                - [ ] D
                  paths: d/**
                """);
        assertEquals(List.of(List.of(1), List.of(2), List.of(3, 4)), numbers(plan));
        assertEquals(List.of("Task 2 (Refactor) names no paths, so it runs on its own; add a `paths:` line under it "
                + "to let it run beside others."), plan.notes());
    }

    @Test
    void taskWaitsForTheLatestWaveItOverlaps() {
        Plan plan = planner.plan("t", """
                - [ ] A
                  paths: a/**
                - [ ] B
                  paths: a/x/**
                - [ ] C
                  paths: b/**
                - [ ] D
                  paths: a/x/y.txt, b/z
                """);
        assertEquals(List.of(List.of(1, 3), List.of(2), List.of(4)), numbers(plan));
        assertEquals(4, plan.notes().size());
    }

    @Test
    void aSingleTaskWithoutPathsNeedsNoNote() {
        Plan plan = planner.plan("t", "- [ ] Only one\n");
        assertEquals(List.of(List.of(1)), numbers(plan));
        assertEquals(List.of(), plan.notes());
    }
}
