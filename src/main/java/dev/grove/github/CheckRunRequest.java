package dev.grove.github;

import java.time.Instant;
import java.util.List;

/**
 * A check run to create or update. {@code status}: {@code queued}, {@code in_progress} or {@code completed};
 * {@code conclusion} only with {@code completed} ({@code success}, {@code failure}, {@code neutral},
 * {@code cancelled}); null fields are not sent. {@code summary} and {@code text} are cut to GitHub's 65,535
 * characters, and at most 3 actions are sent.
 */
public record CheckRunRequest(
        String name,
        String headSha,
        String externalId,
        String status,
        String conclusion,
        Instant startedAt,
        Instant completedAt,
        String title,
        String summary,
        String text,
        List<CheckAction> actions) {
    public static final int MAX_OUTPUT = 65_535;
    public static final int MAX_ACTIONS = 3;

    public CheckRunRequest {
        actions = actions == null ? List.of() : List.copyOf(actions.subList(0, Math.min(MAX_ACTIONS, actions.size())));
        summary = cut(summary);
        text = cut(text);
    }

    static String cut(String s) {
        if (s == null || s.length() <= MAX_OUTPUT) {
            return s;
        }
        String note = "\n\n… (cut to GitHub's limit)";
        return s.substring(0, MAX_OUTPUT - note.length()) + note;
    }
}
