package dev.grove.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar of comments addressed to Grove. Pure: text in, {@link ParseResult} out.
 *
 * <p>A comment is a command when its first non-blank line starts with {@code /grove} (any case, up to three spaces
 * of indentation, as Markdown allows before a paragraph) followed by a space or the end of the line. A line
 * indented four spaces or more is a code block and the first line of a fenced block is its fence, so neither is a
 * command; {@code /grove} anywhere later in a sentence is a mention, not a command. {@code @grove <text>} at the
 * start of the first line is a revise request. Arguments are split on white space; double or single quotes keep a
 * task title together. Valid examples:
 * <pre>
 * /grove plan
 * /grove run
 * /grove run 2,3          /grove run 2, 3       /grove run 2 3
 * /grove status
 * /grove cancel           /grove cancel 2       /grove cancel "Add a discount rule"
 * /grove retry 2          /grove retry add-a-discount-rule
 * /grove revise Use BigDecimal for money (the rest of the comment is part of the instructions)
 * &#64;grove please also update the docs
 * /grove try 3            /grove try 3 task 2
 * /grove pick 2
 * /grove help
 * </pre>
 */
public final class CommandParser {
    private static final Pattern SLASH = Pattern.compile("^ {0,3}/grove(?:[ \\t]+(.*))?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern MENTION = Pattern.compile("^ {0,3}@grove(?:\\[bot])?(?:[ \\t,:]+(.*))?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,3}");
    static final int MAX_ATTEMPTS = 10;

    private final String help;

    /** A parser that only tells commands from other comments (its replies carry no help text). */
    public CommandParser() {
        this("");
    }

    /** @param help the text of {@code /grove help}, added to every reply about a malformed command */
    public CommandParser(String help) {
        this.help = help;
    }

    public ParseResult parse(String comment) {
        if (comment == null) {
            return new ParseResult.Ignored("empty comment");
        }
        String[] lines = comment.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first == lines.length) {
            return new ParseResult.Ignored("empty comment");
        }
        String line = lines[first].stripTrailing();
        String rest = rest(lines, first + 1);
        var mention = MENTION.matcher(line);
        if (mention.matches()) {
            String text = join(mention.group(1), rest);
            return text.isEmpty()
                    ? reply("`@grove` needs instructions, e.g. `@grove use BigDecimal for prices`.")
                    : new ParseResult.Parsed(new Command.Revise(text));
        }
        var slash = SLASH.matcher(line);
        if (!slash.matches()) {
            return new ParseResult.Ignored("the first line does not start with /grove");
        }
        String args = slash.group(1) == null ? "" : slash.group(1).strip();
        if (args.isEmpty()) {
            return reply("`/grove` needs a command.");
        }
        int space = firstSpace(args);
        String verb = (space < 0 ? args : args.substring(0, space)).toLowerCase(Locale.ROOT);
        String tail = space < 0 ? "" : args.substring(space).strip();
        if (verb.equals("revise")) {
            String text = join(tail, rest);
            return text.isEmpty()
                    ? reply("`/grove revise` needs instructions, e.g. `/grove revise use BigDecimal for prices`.")
                    : new ParseResult.Parsed(new Command.Revise(text));
        }
        List<String> words;
        try {
            words = split(tail);
        } catch (IllegalArgumentException e) {
            return reply(e.getMessage());
        }
        return switch (verb) {
            case "plan" -> noArgs(verb, words, new Command.Plan());
            case "status" -> noArgs(verb, words, new Command.Status());
            case "help" -> new ParseResult.Parsed(new Command.Help());
            case "run" -> run(words);
            case "cancel" -> words.size() > 1
                    ? reply("`/grove cancel` takes at most one task; quote a title that has spaces.")
                    : new ParseResult.Parsed(new Command.Cancel(words.stream().findFirst()));
            case "retry" -> words.size() != 1
                    ? reply("`/grove retry` takes one task: its number, or its title in quotes.")
                    : new ParseResult.Parsed(new Command.Retry(words.get(0)));
            case "try" -> tryCommand(words);
            case "pick" -> words.size() == 1 && NUMBER.matcher(words.get(0)).matches()
                    ? new ParseResult.Parsed(new Command.Pick(Integer.parseInt(words.get(0))))
                    : reply("`/grove pick` takes the number of one attempt, e.g. `/grove pick 2`.");
            default -> reply("`" + verb + "` is not a Grove command.");
        };
    }

    private ParseResult noArgs(String verb, List<String> words, Command c) {
        return words.isEmpty() ? new ParseResult.Parsed(c) : reply("`/grove " + verb + "` takes no arguments.");
    }

    private ParseResult run(List<String> words) {
        List<Integer> tasks = new ArrayList<>();
        for (String w : words) {
            for (String part : w.split(",", -1)) {
                if (part.isEmpty()) {
                    continue;
                }
                if (!NUMBER.matcher(part).matches()) {
                    return reply("`/grove run` takes task numbers, e.g. `/grove run 2,3`; `" + part + "` is not one.");
                }
                int n = Integer.parseInt(part);
                if (!tasks.contains(n)) {
                    tasks.add(n);
                }
            }
        }
        if (!words.isEmpty() && tasks.isEmpty()) {
            return reply("`/grove run` takes task numbers, e.g. `/grove run 2,3`.");
        }
        return new ParseResult.Parsed(new Command.Run(tasks));
    }

    private ParseResult tryCommand(List<String> words) {
        String usage = "`/grove try` takes a number of attempts (2 to " + MAX_ATTEMPTS
                + ") and optionally a task, e.g. `/grove try 3` or `/grove try 3 task 2`.";
        if (words.isEmpty() || !NUMBER.matcher(words.get(0)).matches()) {
            return reply(usage);
        }
        int n = Integer.parseInt(words.get(0));
        if (n < 2 || n > MAX_ATTEMPTS) {
            return reply(usage);
        }
        if (words.size() == 1) {
            return new ParseResult.Parsed(new Command.Try(n, Optional.empty()));
        }
        if (words.size() == 3 && words.get(1).equalsIgnoreCase("task") && NUMBER.matcher(words.get(2)).matches()) {
            return new ParseResult.Parsed(new Command.Try(n, Optional.of(Integer.parseInt(words.get(2)))));
        }
        return reply(usage);
    }

    private ParseResult reply(String problem) {
        return new ParseResult.Reply(problem + "\n\n" + help);
    }

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) return i;
        }
        return -1;
    }

    private static String rest(String[] lines, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < lines.length; i++) {
            sb.append(lines[i]).append('\n');
        }
        return sb.toString().strip();
    }

    private static String join(String firstLineText, String rest) {
        String a = firstLineText == null ? "" : firstLineText.strip();
        if (rest.isEmpty()) return a;
        return a.isEmpty() ? rest : a + "\n" + rest;
    }

    /** White-space separated words; "double" or 'single' quotes keep spaces. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'' || c == '“' || c == '”') {
                quote = c == '“' ? '”' : c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("A quote is not closed: " + s);
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}
