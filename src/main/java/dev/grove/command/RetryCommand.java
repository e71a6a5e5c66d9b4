package dev.grove.command;

import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.util.Optional;

/** {@code /grove retry <task>}. */
final class RetryCommand implements CommandHandler {
    private final TaskActions tasks;

    RetryCommand(TaskActions tasks) {
        this.tasks = tasks;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove retry <task>`", "run a failed task again (a number, or its title in quotes)");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Retry;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        String ref = ((Command.Retry) command).task();
        Optional<TaskRecord> task = tasks.find(ctx.req(), ref);
        if (task.isEmpty()) {
            ctx.reply(tasks.noSuchTask(ctx.req(), ref));
        } else if (task.get().status() != TaskStatus.FAILED) {
            ctx.reply("Task " + task.get().number() + " is " + task.get().status().label()
                    + "; `/grove retry` runs only failed tasks.");
        } else {
            tasks.retry(ctx.github(), ctx.req(), ctx.config(), task.get(), ctx.req().requestedBy());
        }
    }
}
