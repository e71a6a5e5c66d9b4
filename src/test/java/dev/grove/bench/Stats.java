package dev.grove.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Repeated measurements of one figure: median and spread (min–max over the runs). */
public final class Stats {
    private final List<Double> values = new ArrayList<>();

    public Stats add(double v) {
        values.add(v);
        return this;
    }

    public int count() {
        return values.size();
    }

    public double median() {
        return percentile(values, 50);
    }

    public double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code median (min–max)}, or just the value for a single run. */
    public String show(String format) {
        if (values.isEmpty()) return "–";
        String m = String.format(Locale.ROOT, format, median());
        if (values.size() == 1) return m;
        return m + " (" + String.format(Locale.ROOT, format, min()) + "–" + String.format(Locale.ROOT, format, max()) + ")";
    }

    /** {@code grove / floor} of the medians, as {@code 1.23×}. */
    public static String ratio(Stats grove, Stats floor) {
        double f = floor.median();
        if (grove.count() == 0 || floor.count() == 0 || f == 0 || Double.isNaN(f)) return "–";
        return String.format(Locale.ROOT, "%.2f×", grove.median() / f);
    }

    /** Nearest-rank percentile (0–100) of a list of samples. */
    public static double percentile(List<Double> samples, double p) {
        if (samples.isEmpty()) return Double.NaN;
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        if (p == 50 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
