package dev.grove.model;

import java.util.Locale;

/** Dollars as people read them: {@code $4.20}; below a cent, {@code $0.0042}. */
public final class Money {
    private Money() {
    }

    public static String usd(double v) {
        return String.format(Locale.ROOT, v != 0 && Math.abs(v) < 0.01 ? "$%.4f" : "$%.2f", v);
    }
}
