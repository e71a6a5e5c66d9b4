package dev.grove.model;

import java.time.Duration;

/**
 * Durations as people write them: {@code 850ms}, {@code 12.0s}, {@code 3m 05s}, {@code 10m}, {@code 1h 02m}, {@code 2h}
 * (what {@link #parse} reads back), never {@code PT10M}.
 */
public final class Durations {
    private Durations() {
    }

    public static String format(Duration d) {
        if (d == null) {
            return "";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return String.format("%.1fs", ms / 1000.0);
        }
        if (s < 3600) {
            return s % 60 == 0 ? (s / 60) + "m" : String.format("%dm %02ds", s / 60, s % 60);
        }
        long m = (s % 3600) / 60;
        return m == 0 ? (s / 3600) + "h" : String.format("%dh %02dm", s / 3600, m);
    }

    /**
     * Parses {@code 30m}, {@code 90s}, {@code 1h}, {@code 1h30m}, {@code 500ms}, or a plain number of seconds.
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|h|m|s)").matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) break;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        if (t.isEmpty() || end != t.length() || total.isZero()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 30m, 90s, 1h30m)");
        }
        return total;
    }
}
