package dev.grove.plan;

import java.util.List;

/**
 * Tasks in waves: the tasks of one wave run side by side; a wave starts when the one before it is done.
 * {@code notes} say why tasks were put in separate waves (the overlapping paths).
 */
public record Plan(List<Task> tasks, List<List<Task>> waves, List<String> notes) {
    public Plan {
        tasks = List.copyOf(tasks);
        waves = waves.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
    }
}
