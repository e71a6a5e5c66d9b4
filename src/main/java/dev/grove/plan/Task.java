package dev.grove.plan;

import java.util.List;

/**
 * One unit of work from an issue. {@code number} is its 1-based place in the plan; {@code paths} are globs it may
 * touch, as written in the plan (empty: unrestricted); {@code after} the numbers of the tasks it must wait for.
 */
public record Task(int number, String title, String instructions, List<String> paths, List<Integer> after) {
    public Task {
        paths = List.copyOf(paths);
        after = after == null ? List.of() : List.copyOf(after);
    }

    public Task(int number, String title, String instructions, List<String> paths) {
        this(number, title, instructions, paths, List.of());
    }
}
