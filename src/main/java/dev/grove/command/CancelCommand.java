package dev.grove.command;

import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /grove cancel [task]}: stops the issue's agents (its tasks, its {@code /grove try} attempts and its planner),
 * or one task's.
 */
final class CancelCommand implements CommandHandler {
    private final TaskActions tasks;

    CancelCommand(TaskActions tasks) {
        this.tasks = tasks;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove cancel [task]`",
                "stop the running agents (tasks, attempts, planner), or one task's; branches with commits are kept");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Cancel;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        Command.Cancel c = (Command.Cancel) command;
        List<TaskRecord> targets;
        if (c.task().isPresent()) {
            Optional<TaskRecord> t = tasks.find(ctx.req(), c.task().get());
            if (t.isEmpty()) {
                ctx.reply(tasks.noSuchTask(ctx.req(), c.task().get()));
                return;
            }
            targets = List.of(t.get());
        } else {
            targets = tasks.store().tasks(ctx.req().repo(), ctx.req().issueNumber());
        }
        List<TaskRecord> stopped = new ArrayList<>();
        for (TaskRecord t : targets) {
            if (!t.status().finished() && t.status() != TaskStatus.PLANNED && t.status() != TaskStatus.PUSHED) {
                tasks.runner().cancel(t.key(), ctx.req().requestedBy());
                stopped.add(t);
            }
        }
        ctx.reply(stopped.isEmpty()
                ? "Nothing to cancel: no task of #" + ctx.req().issueNumber() + " is queued or running."
                : "Cancelling " + TaskActions.describe(stopped) + " as @" + ctx.req().requestedBy()
                        + " asked. Branches that already hold commits are kept.");
    }
}
