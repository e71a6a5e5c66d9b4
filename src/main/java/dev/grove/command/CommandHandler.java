package dev.grove.command;

/**
 * What Grove does for one command. Each handler carries its own line of {@code /grove help}, which is generated from
 * them ({@link HelpCommand}).
 */
public interface CommandHandler {

    /** The command's row in {@code /grove help}. */
    HelpLine help();

    boolean handles(Command command);

    /** Whether the command is meant for a Grove pull request (else it is meant for the issue). */
    default boolean onPullRequest() {
        return false;
    }

    void handle(CommandContext ctx, Command command);

    /** {@code usage} as the user types it, {@code what} it does. */
    record HelpLine(String usage, String what) {
    }
}
