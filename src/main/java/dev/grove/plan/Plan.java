package dev.grove.plan;

import java.util.List;

/**
 * Tasks in waves: the tasks of one wave run side by side; a wave starts when the one before it is done.
 * {@code notes} say why tasks were put in separate waves (the overlapping paths, an {@code after}).
 * {@code source} says where the tasks came from (e.g. "checklist"). {@code problem} is set when the plan cannot run
 * (e.g. a cycle of {@code after}); then {@code waves} is empty and nothing runs.
 */
public record Plan(List<Task> tasks, List<List<Task>> waves, List<String> notes, String source, String problem) {
    public Plan {
        tasks = List.copyOf(tasks);
        waves = waves.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
    }

    public Plan(List<Task> tasks, List<List<Task>> waves, List<String> notes) {
        this(tasks, waves, notes, null, null);
    }

    public Plan withSource(String s) {
        return new Plan(tasks, waves, notes, s, problem);
    }
}
