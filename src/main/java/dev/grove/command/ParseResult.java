package dev.grove.command;

/** What a comment is to Grove: not addressed to it, a malformed command (answered with the help text), or a command. */
public sealed interface ParseResult {

    /** Not a command; {@code reason} is for the log. */
    record Ignored(String reason) implements ParseResult {
    }

    /** A command Grove cannot take as written; {@code text} is the reply (the problem, then the help). */
    record Reply(String text) implements ParseResult {
    }

    record Parsed(Command command) implements ParseResult {
    }
}
