package dev.grove.report;

import dev.grove.plan.Task;
import java.util.List;

/**
 * The body of a task's pull request: what it is part of, the task, what changed, what the agent said. Text an agent
 * may have written (the task as a planner agent proposed it, the agent's output) passes through {@link SafeMarkdown}:
 * only Grove's own {@code Part of #N} links the issue.
 */
public final class PullRequestBodyRenderer {
    static final int MAX_FILES = 100;

    /** {@code changedFiles} null: not known (a resumed task); the section is left out. */
    public String render(int issue, Task task, String branch, List<String> changedFiles, String agentTail) {
        return render(issue, task, branch, changedFiles, agentTail, List.of());
    }

    /** {@code outsidePaths}: changed files that match none of the task's paths; flagged at the top when present. */
    public String render(int issue, Task task, String branch, List<String> changedFiles, String agentTail,
            List<String> outsidePaths) {
        StringBuilder md = new StringBuilder();
        md.append("Part of #").append(issue).append("\n\n");
        if (outsidePaths != null && !outsidePaths.isEmpty()) {
            md.append("> [!WARNING]\n> This task changed ").append(outsidePaths.size())
                    .append(outsidePaths.size() == 1 ? " file" : " files").append(" outside its paths (")
                    .append(String.join(", ", task.paths().stream().map(p -> "`" + p + "`").toList())).append("): ")
                    .append(String.join(", ", outsidePaths.stream().limit(MAX_FILES).map(f -> "`" + f + "`").toList()))
                    .append(outsidePaths.size() > MAX_FILES ? ", …" : "")
                    .append(". Other tasks may touch them too; check before merging.\n\n");
        }
        md.append("### Task ").append(task.number()).append(": ").append(SafeMarkdown.neutralize(task.title())).append('\n');
        if (task.instructions() != null && !task.instructions().isBlank()) {
            md.append('\n').append(SafeMarkdown.neutralize(task.instructions().strip())).append('\n');
        }
        if (!task.paths().isEmpty()) {
            md.append("\nMay touch: ");
            md.append(String.join(", ", task.paths().stream().map(p -> "`" + p + "`").toList())).append('\n');
        }
        if (changedFiles != null) {
            md.append("\n### Files changed (").append(changedFiles.size()).append(")\n");
            changedFiles.stream().limit(MAX_FILES).forEach(f -> md.append("- `").append(f).append("`\n"));
            if (changedFiles.size() > MAX_FILES) {
                md.append("- … and ").append(changedFiles.size() - MAX_FILES).append(" more\n");
            }
        }
        if (agentTail != null && !agentTail.isBlank()) {
            md.append("\n### Agent output (last lines)\n```text\n")
                    .append(SafeMarkdown.neutralize(agentTail.strip().replace("```", "ʼʼʼ"))).append("\n```\n");
        }
        md.append("\n<sub>Opened by Grove from branch `").append(branch)
                .append("`. Review and merge it like any other pull request.</sub>\n");
        return md.toString();
    }
}
