package dev.grove.command;

import java.util.ArrayList;
import java.util.List;

/** {@code /grove help}: the table of commands, generated from the handlers' own help lines. */
final class HelpCommand implements CommandHandler {
    private final List<CommandHandler> others;

    HelpCommand(List<CommandHandler> others) {
        this.others = List.copyOf(others);
    }

    @Override
    public HelpLine help() {
        return new HelpLine("`/grove help`", "this text");
    }

    @Override
    public boolean handles(Command command) {
        return command instanceof Command.Help;
    }

    @Override
    public boolean onPullRequest() {
        return true;
    }

    @Override
    public void handle(CommandContext ctx, Command command) {
        ctx.reply(text());
    }

    /** The help text. */
    String text() {
        List<CommandHandler> all = new ArrayList<>(others);
        all.add(this);
        return render(all.stream().map(CommandHandler::help).toList());
    }

    static String render(List<HelpLine> lines) {
        StringBuilder md = new StringBuilder("**Grove commands** (in a comment whose first line starts with the command):"
                + "\n\n| command | what it does |\n|---|---|\n");
        for (HelpLine l : lines) {
            md.append("| ").append(l.usage()).append(" | ").append(l.what()).append(" |\n");
        }
        return md.toString();
    }
}
