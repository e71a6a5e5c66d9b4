package dev.grove.command;

import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.IssueRunner;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@code /grove pick K}. */
final class PickCommand implements CommandHandler {
    private final ExperimentRunner experiments;
    private final IssueRunner runner;

    PickCommand(ExperimentRunner experiments, IssueRunner runner) {
        this.experiments = experiments;
        this.runner = runner;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove pick 2`", "keep attempt 2: open its pull request, remove the other attempts");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Pick;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        try {
            experiments.pick(ctx.req(), ((Command.Pick) command).attempt());
        } catch (IOException e) {
            throw new UncheckedIOException("/grove pick on " + ctx.req().repo() + "#" + ctx.req().issueNumber()
                    + " failed", e);
        } finally {
            // the experiment held the issue: a task waiting for merges that came meanwhile starts now
            runner.startHeld(ctx.req(), ctx.config(), true);
        }
    }
}
