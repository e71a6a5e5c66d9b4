package dev.grove.command;

import dev.grove.pipeline.IssueRunner;

/** {@code /grove plan}. */
final class PlanCommand implements CommandHandler {
    private final IssueRunner runner;

    PlanCommand(IssueRunner runner) {
        this.runner = runner;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove plan`",
                "propose the split into tasks (files each may touch, order) in the tracking comment; nothing runs");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Plan;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        runner.plan(ctx.req(), ctx.config());
    }
}
