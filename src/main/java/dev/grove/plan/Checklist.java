package dev.grove.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits to an issue's checklist that Grove makes itself. Pure. Only the checkbox of one line changes; every other
 * character of the body stays as the people who wrote it left it.
 */
public final class Checklist {
    private static final Pattern ITEM = Pattern.compile("^( {0,3}[-*+][ \\t]+\\[)([ xX])(\\](?:[ \\t]+(.*))?)$");
    private static final Pattern FENCE = Pattern.compile("^[ \\t]*(`{3,}|~{3,})");

    private Checklist() {
    }

    /**
     * The body with the unchecked item titled {@code title} ticked ({@code - [ ]} to {@code - [x]}), or empty when no
     * unchecked item outside a code block has that title (already ticked, edited, or not a checklist task).
     */
    public static Optional<String> tick(String body, String title) {
        if (body == null || title == null) return Optional.empty();
        String[] lines = body.split("\n", -1);
        boolean inFence = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (FENCE.matcher(bare).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) continue;
            Matcher m = ITEM.matcher(bare);
            if (m.matches() && m.group(2).equals(" ") && m.group(4) != null && m.group(4).strip().equals(title.strip())) {
                lines[i] = m.group(1) + "x" + m.group(3) + (bare.length() < line.length() ? "\r" : "");
                return Optional.of(String.join("\n", lines));
            }
        }
        return Optional.empty();
    }

    /** The body as planned: every checkbox read as unticked, so Grove's own ticks do not count as an edit. */
    public static String withoutTicks(String body) {
        if (body == null) return "";
        StringBuilder sb = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            Matcher m = ITEM.matcher(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            sb.append(m.matches() ? m.group(1) + " " + m.group(3) + (line.endsWith("\r") ? "\r" : "") : line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }
}
