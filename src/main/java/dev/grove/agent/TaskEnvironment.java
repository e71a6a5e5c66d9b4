package dev.grove.agent;

import dev.grove.model.RepoRef;
import dev.grove.plan.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/** The task's facts an agent gets as environment variables (the agent contract; see the README). */
public final class TaskEnvironment {
    private TaskEnvironment() {
    }

    /** {@code GROVE_TASK_TITLE}, {@code GROVE_TASK_PATHS}, {@code GROVE_ISSUE_NUMBER}, {@code GROVE_TASK_NUMBER}, {@code GROVE_REPOSITORY}; mutable, so callers can add their own. */
    public static Map<String, String> of(RepoRef repo, int issue, Task task) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GROVE_TASK_TITLE", task.title());
        env.put("GROVE_TASK_PATHS", String.join(",", task.paths()));
        env.put("GROVE_ISSUE_NUMBER", String.valueOf(issue));
        env.put("GROVE_TASK_NUMBER", String.valueOf(task.number()));
        env.put("GROVE_REPOSITORY", repo.fullName());
        return env;
    }
}
