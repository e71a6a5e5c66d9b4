package dev.grove.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Agent-written text made safe to post: an agent follows issue text anyone can write, so what it says must not close
 * issues or notify people. A closing keyword before an issue reference ({@code Fixes #12}, {@code closes o/r#3},
 * {@code resolved: https://github.com/o/r/issues/4}) gets a word joiner (U+2060) inside the keyword, and an
 * {@code @mention} (user or {@code @org/team}) one after its {@code @}: the text reads the same, and GitHub finds
 * neither a keyword nor a mention. E-mail addresses stay as they are. Grove's own links ({@code Part of #N}) are
 * written outside what passes through here. Pure.
 */
public final class SafeMarkdown {
    static final char JOINER = '\u2060';
    private static final Pattern CLOSING = Pattern.compile(
            "(?i)\\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(\\s*:?\\s+)(?=#\\d|[\\w.-]+/[\\w.-]+#\\d|https?://)");
    private static final Pattern MENTION = Pattern.compile("(?<![\\w`@/])@(?=[A-Za-z0-9][A-Za-z0-9-]{0,38}\\b)");

    private SafeMarkdown() {
    }

    public static String neutralize(String text) {
        if (text == null || text.isEmpty()) return text;
        Matcher m = CLOSING.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String keyword = m.group(1);
            m.appendReplacement(sb, Matcher.quoteReplacement(keyword.charAt(0) + String.valueOf(JOINER)
                    + keyword.substring(1) + m.group(2)));
        }
        m.appendTail(sb);
        return MENTION.matcher(sb).replaceAll("@" + JOINER);
    }
}
