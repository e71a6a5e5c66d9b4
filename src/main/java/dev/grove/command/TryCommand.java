package dev.grove.command;

import dev.grove.pipeline.ExperimentRunner;
import dev.grove.pipeline.IssueRunner;
import dev.grove.pipeline.ExperimentSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code /grove try N [task K]}. */
final class TryCommand implements CommandHandler {
    private final ExperimentRunner experiments;
    private final IssueRunner runner;

    TryCommand(ExperimentRunner experiments, IssueRunner runner) {
        this.experiments = experiments;
        this.runner = runner;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove try 3 [task 2]`",
                "experiments: three attempts at the issue (or task 2), verified, measured and compared");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Try;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        Command.Try t = (Command.Try) command;
        try {
            experiments.tryAttempts(ctx.req(), t.attempts(), t.task().orElse(null),
                    new ExperimentSettings(ctx.config(), List.of()));
        } catch (IOException e) {
            throw new UncheckedIOException("/grove try on " + ctx.req().repo() + "#" + ctx.req().issueNumber()
                    + " failed", e);
        } finally {
            // the experiment held the issue: a task waiting for merges that came meanwhile starts now
            runner.startHeld(ctx.req(), ctx.config(), true);
        }
    }
}
