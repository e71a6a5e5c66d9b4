package dev.grove.command;

import java.util.Set;

/** {@code /grove run} and {@code /grove run 2,3}. */
final class RunCommand implements CommandHandler {
    private final TaskActions tasks;

    RunCommand(TaskActions tasks) {
        this.tasks = tasks;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove run` · `/grove run 2,3`",
                "run every task of the plan (planning first if there is none), or only tasks 2 and 3");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Run;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        tasks.run(ctx.github(), ctx.req(), ctx.config(), Set.copyOf(((Command.Run) command).tasks()));
    }
}
