package dev.grove.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {
    static final String HELP = "**the help text**";
    final CommandParser parser = new CommandParser(HELP);

    Command parsed(String comment) {
        ParseResult r = parser.parse(comment);
        return assertInstanceOf(ParseResult.Parsed.class, r, comment + " -> " + r).command();
    }

    String reply(String comment) {
        ParseResult r = parser.parse(comment);
        String text = assertInstanceOf(ParseResult.Reply.class, r, comment + " -> " + r).text();
        assertTrue(text.contains(HELP), "the reply carries the help text");
        return text;
    }

    @Test
    void parsesEveryCommand() {
        assertEquals(new Command.Plan(), parsed("/grove plan"));
        assertEquals(new Command.Run(List.of()), parsed("/grove run"));
        assertEquals(new Command.Run(List.of(2, 3)), parsed("/grove run 2,3"));
        assertEquals(new Command.Status(), parsed("/grove status"));
        assertEquals(new Command.Cancel(Optional.empty()), parsed("/grove cancel"));
        assertEquals(new Command.Cancel(Optional.of("2")), parsed("/grove cancel 2"));
        assertEquals(new Command.Retry("2"), parsed("/grove retry 2"));
        assertEquals(new Command.Help(), parsed("/grove help"));
        assertEquals(new Command.Revise("use BigDecimal"), parsed("/grove revise use BigDecimal"));
        assertEquals(new Command.Try(3, Optional.empty()), parsed("/grove try 3"));
        assertEquals(new Command.Try(3, Optional.of(2)), parsed("/grove try 3 task 2"));
        assertEquals(new Command.Pick(2), parsed("/grove pick 2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/grove run 2,3", "/grove run 2, 3", "/grove run 2 3", "/grove   run   2 ,3  ",
            "/GROVE RUN 2,3", "/Grove Run 2,3,2", "\n\n  /grove run 2,3\nthanks!",
            "   /grove run 2,3"})
    void runWithTasksToleratesSpacesCaseAndBlankLines(String comment) {
        assertEquals(new Command.Run(List.of(2, 3)), parsed(comment));
    }

    @Test
    void quotesKeepATaskTitleTogether() {
        assertEquals(new Command.Retry("Add a discount rule"), parsed("/grove retry \"Add a discount rule\""));
        assertEquals(new Command.Cancel(Optional.of("Make search ignore case")),
                parsed("/grove cancel 'Make search ignore case'"));
        assertEquals(new Command.Retry("Add a rule"), parsed("/grove retry “Add a rule”"));
        assertTrue(reply("/grove retry \"Add a discount").contains("not closed"));
        assertTrue(reply("/grove retry Add a discount").contains("one task"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "I think /grove run would do it",
            "Thanks! We could try `/grove run` later.",
            "```\n/grove run\n```",
            "    /grove run",
            "> /grove run",
            "/grovel run",
            "/groverun",
            "grove run",
            "",
            "   \n  ",
            "Looks good.\n/grove run"})
    void ignoresWhatIsNotACommand(String comment) {
        assertInstanceOf(ParseResult.Ignored.class, parser.parse(comment), comment);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/grove", "/grove deploy", "/grove run two", "/grove run 0", "/grove plan now",
            "/grove status please", "/grove retry", "/grove try", "/grove try 1", "/grove try 3 task", "/grove pick",
            "/grove pick x", "/grove revise", "@grove", "/grove cancel 1 2"})
    void answersMalformedCommandsWithTheHelpText(String comment) {
        reply(comment);
    }

    @Test
    void reviseTakesTheRestOfTheComment() {
        assertEquals(new Command.Revise("Use BigDecimal.\nAlso round down."),
                parsed("/grove revise Use BigDecimal.\nAlso round down."));
        assertEquals(new Command.Revise("Please rename the method"), parsed("@grove Please rename the method"));
        assertEquals(new Command.Revise("rename it"), parsed("@grove, rename it"));
        assertEquals(new Command.Revise("Line one\nline two"), parsed("/grove revise\nLine one\nline two"));
        assertInstanceOf(ParseResult.Ignored.class, parser.parse("cc @grove rename it"));
        assertInstanceOf(ParseResult.Ignored.class, parser.parse("@groveuser rename it"));
    }

    @Test
    void unknownCommandNamesTheCommand() {
        assertTrue(reply("/grove deploy now").startsWith("`deploy` is not a Grove command."));
    }
}
