package dev.grove.pipeline;

import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Plan;
import dev.grove.plan.Stacking;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which of an issue's tasks held back for merges ({@link StackStart.Held}) to start again. */
final class HeldTasks {
    private HeldTasks() {
    }

    /**
     * The tasks of {@code plan} left {@code WAITING} and not cancelled; with {@code onlyIfOneIsReady}, none unless at
     * least one of them has every predecessor merged (or needing no change). Empty when there is nothing to start.
     */
    static Set<Integer> toStart(List<TaskRecord> records, Plan plan, Cancellations cancellations,
            boolean onlyIfOneIsReady) {
        Map<Integer, TaskRecord> byNumber = new HashMap<>();
        for (TaskRecord rec : records) {
            if (rec.key().inPlan()) byNumber.put(rec.number(), rec);
        }
        Set<Integer> held = new TreeSet<>();
        for (TaskRecord rec : byNumber.values()) {
            // one cancelled while it waited (`/grove cancel`, the issue closed) is not started by a merge
            if (rec.status() == TaskStatus.WAITING && cancellations.cancelledBy(rec.key()).isEmpty()) {
                held.add(rec.number());
            }
        }
        if (!onlyIfOneIsReady) return held;
        Map<Integer, List<Integer>> predecessors = Stacking.predecessors(plan);
        boolean oneReady = held.stream().anyMatch(n -> predecessors.getOrDefault(n, List.of()).stream()
                .allMatch(p -> byNumber.containsKey(p) && StackStart.done(byNumber.get(p))));
        return oneReady ? held : Set.of();
    }
}
