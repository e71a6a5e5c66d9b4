package dev.grove.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks a task is stacked on. A task waits for every task of an earlier wave that it names in {@code after} or
 * whose paths may overlap with its own (a task naming no paths overlaps every other), as {@link TaskPlanner#schedule}
 * ordered them. Its <em>predecessors</em> are the ones it waits for directly: those not already reached through
 * another task it waits for. With one predecessor, the task starts from that task's pushed branch and its PR is
 * stacked on it; with several, it starts from the base once they are all merged.
 */
public final class Stacking {
    private Stacking() {
    }

    /** By task number, the numbers of its predecessors in plan order (empty: it starts from the base). */
    public static Map<Integer, List<Integer>> predecessors(Plan plan) {
        Map<Integer, Integer> waveOf = new HashMap<>();
        for (int w = 0; w < plan.waves().size(); w++) {
            for (Task t : plan.waves().get(w)) waveOf.put(t.number(), w);
        }
        Map<Integer, Set<Integer>> waitsFor = new HashMap<>();
        for (Task task : plan.tasks()) {
            Set<Integer> waits = new HashSet<>();
            Integer wave = waveOf.get(task.number());
            for (Task earlier : plan.tasks()) {
                Integer ew = waveOf.get(earlier.number());
                if (wave == null || ew == null || ew >= wave) continue;
                boolean several = plan.tasks().size() > 1;
                if (task.after().contains(earlier.number()) || several && (task.paths().isEmpty()
                        || earlier.paths().isEmpty()) || !TaskPlanner.sharedPaths(earlier, task).isEmpty()) {
                    waits.add(earlier.number());
                }
            }
            waitsFor.put(task.number(), waits);
        }
        Map<Integer, List<Integer>> out = new HashMap<>();
        for (Task task : plan.tasks()) {
            Set<Integer> direct = waitsFor.get(task.number());
            Set<Integer> indirect = new HashSet<>();
            for (int p : direct) indirect.addAll(reachable(p, waitsFor));
            List<Integer> preds = new ArrayList<>();
            for (Task t : plan.tasks()) {
                if (direct.contains(t.number()) && !indirect.contains(t.number())) preds.add(t.number());
            }
            out.put(task.number(), List.copyOf(preds));
        }
        return out;
    }

    /** Every task {@code from} waits for, directly or not. */
    private static Set<Integer> reachable(int from, Map<Integer, Set<Integer>> waitsFor) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> todo = new ArrayList<>(waitsFor.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            int n = todo.remove(todo.size() - 1);
            if (seen.add(n)) todo.addAll(waitsFor.getOrDefault(n, Set.of()));
        }
        return seen;
    }
}
