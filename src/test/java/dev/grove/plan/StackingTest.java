package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackingTest {
    private final TaskPlanner planner = new TaskPlanner();

    private static Task task(int n, List<String> paths, List<Integer> after) {
        return new Task(n, "T" + n, "", paths, after);
    }

    @Test
    void aTaskStacksOnWhatItNamesInAfterOrOverlapsWith() {
        Plan plan = planner.schedule(List.of(
                task(1, List.of("src/cart/**"), List.of()),
                task(2, List.of("src/ui/**"), List.of(1)),
                task(3, List.of("docs/**"), List.of()),
                task(4, List.of("docs/api.md"), List.of())));
        Map<Integer, List<Integer>> preds = Stacking.predecessors(plan);
        assertEquals(List.of(), preds.get(1));
        assertEquals(List.of(1), preds.get(2), "named in after");
        assertEquals(List.of(), preds.get(3));
        assertEquals(List.of(3), preds.get(4), "overlapping paths");
    }

    @Test
    void aChainStacksEachOnTheOneBeforeNotOnAllEarlierOnes() {
        // tasks without paths overlap everything: 3 waits for 1 and 2, but 2 already waits for 1
        Plan plan = planner.schedule(List.of(task(1, List.of(), List.of()), task(2, List.of(), List.of()),
                task(3, List.of(), List.of())));
        Map<Integer, List<Integer>> preds = Stacking.predecessors(plan);
        assertEquals(List.of(1), preds.get(2));
        assertEquals(List.of(2), preds.get(3));
    }

    @Test
    void independentPredecessorsAreAllKept() {
        Plan plan = planner.schedule(List.of(task(1, List.of("a/**"), List.of()), task(2, List.of("b/**"), List.of()),
                task(3, List.of("c/**"), List.of(1, 2)), task(4, List.of("d/**"), List.of(3, 1))));
        Map<Integer, List<Integer>> preds = Stacking.predecessors(plan);
        assertEquals(List.of(1, 2), preds.get(3));
        assertEquals(List.of(3), preds.get(4), "task 1 is reached through task 3");
    }
}
