package dev.grove.agent;

import dev.grove.model.RepoRef;
import dev.grove.plan.Task;

/** The one task prompt: what a task's agent (a task, a {@code /grove try} attempt, a revise's fresh start) is told. */
public final class TaskPrompt {
    private TaskPrompt() {
    }

    /**
     * A task's prompt on its branch. {@code variant} (null: none) is appended, as {@code /grove try} does with the
     * repository's prompt variants.
     */
    public static String forTask(RepoRef repo, int issue, String issueTitle, Task task, String branch, String variant) {
        return forTask(repo, issue, issueTitle, task, branch, variant, PromptContext.NONE);
    }

    /** A task's prompt with the issue's conversation and the repository's agent instructions ({@code context}). */
    public static String forTask(RepoRef repo, int issue, String issueTitle, Task task, String branch, String variant,
            PromptContext context) {
        StringBuilder p = new StringBuilder();
        p.append("You are working on the repository ").append(repo.fullName())
                .append(", issue #").append(issue).append(": ").append(issueTitle).append("\n\n");
        p.append("Your task: ").append(task.title()).append('\n');
        appendTask(p, task);
        if (variant != null && !variant.isBlank()) {
            p.append('\n').append(variant.strip()).append('\n');
        }
        p.append("\nThe current directory is a git worktree on branch ").append(branch)
                .append(". Edit the files; do not commit, push or switch branches: Grove commits and pushes your work"
                        + " and opens the pull request.\n");
        context.appendTo(p, issue);
        return p.toString();
    }

    /** The task as its agent first got it, for a revise that cannot resume the agent's session. */
    public static String forRevise(RepoRef repo, int pullNumber, Task task, String branch) {
        return forRevise(repo, pullNumber, task, branch, 0, PromptContext.NONE);
    }

    /** The same, with the conversation of issue {@code issue} and the repository's agent instructions. */
    public static String forRevise(RepoRef repo, int pullNumber, Task task, String branch, int issue,
            PromptContext context) {
        StringBuilder p = new StringBuilder();
        p.append("You are working on the repository ").append(repo.fullName()).append(", pull request #")
                .append(pullNumber).append(" on branch ").append(branch).append(", made for the task: ")
                .append(task.title()).append('\n');
        appendTask(p, task);
        context.appendTo(p, issue);
        return p.toString();
    }

    private static void appendTask(StringBuilder p, Task task) {
        if (task.instructions() != null && !task.instructions().isBlank()) {
            p.append('\n').append(task.instructions().strip()).append('\n');
        }
        if (!task.paths().isEmpty()) {
            p.append("\nChange only files matching: ").append(String.join(", ", task.paths())).append('\n');
        }
    }
}
