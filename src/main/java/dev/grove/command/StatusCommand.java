package dev.grove.command;

import dev.grove.pipeline.IssueRunner;

/** {@code /grove status}. */
final class StatusCommand implements CommandHandler {
    private final IssueRunner runner;

    StatusCommand(IssueRunner runner) {
        this.runner = runner;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove status`", "refresh the tracking comment");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Status;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        if (!runner.showStatus(ctx.req())) {
            ctx.reply("Grove has not planned or run #" + ctx.req().issueNumber()
                    + " yet. `/grove plan` proposes the tasks; `/grove run` runs them.");
        }
    }
}
