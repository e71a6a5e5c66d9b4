package dev.grove.command;

import dev.grove.pipeline.ReviseRequest;
import dev.grove.pipeline.Reviser;
import java.util.List;

/** {@code /grove revise <instructions>} or {@code @grove <instructions>}, on a Grove pull request. */
final class ReviseCommand implements CommandHandler {
    private final Reviser reviser;

    ReviseCommand(Reviser reviser) {
        this.reviser = reviser;
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove revise <instructions>` or `@grove <instructions>`", "on a Grove pull request: run"
                + " its agent again with these instructions and push a new commit");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Revise;
    }

    @Override
    public boolean onPullRequest() {
        return true;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        if (!ctx.onPullRequest()) {
            ctx.reply("`revise` works on a pull request Grove opened: comment `/grove revise <instructions>` there.");
            return;
        }
        var pr = ctx.req();
        reviser.revise(new ReviseRequest(pr.repo(), pr.installationId(), pr.cloneUrl(), pr.defaultBranch(),
                pr.issueNumber(), ((Command.Revise) command).instructions(), List.of(), pr.requestedBy()), ctx.config());
    }
}
