package dev.grove.model;

import java.time.Duration;

/**
 * One attempt of {@code /grove try}. {@code pushed}: its branch is on origin. {@code verified}: null when there is no
 * verify command or it did not get that far. {@code measure}: the measure command's last line, when it was a number.
 */
public record Attempt(int number, String branch, boolean pushed, Boolean verified, DiffStat diff, Duration time,
        Double measure, String note) {
}
