package dev.grove.plan;

import java.util.List;

/**
 * One unit of work from an issue. {@code number} is its 1-based place in the plan; {@code paths} are globs it may
 * touch, as written in the plan (empty: unrestricted).
 */
public record Task(int number, String title, String instructions, List<String> paths) {
    public Task {
        paths = List.copyOf(paths);
    }
}
