package dev.grove.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The path globs a task names in its {@code paths:} line. Paths are split into segments at {@code /}:
 * {@code **} (a whole segment) stands for any number of segments, zero included; {@code *} and {@code ?} stand for
 * characters within one segment. A glob whose last segment has no wildcard ({@code src/auth}, {@code src/auth/},
 * {@code docs/x.md}) also covers everything below it, as a directory would. {@code *.md} is only the top level;
 * {@code **}{@code /*.md} is every level. Pure: no I/O.
 */
public final class PathGlobs {
    private static final int STAR = -1;
    private static final int ANY_CHAR = -2;

    private PathGlobs() {
    }

    /**
     * True when some file path could match both globs. Conservative: a glob this class cannot read exactly
     * (braces) overlaps everything, and a bracket class {@code [...]} is read as {@code *}.
     */
    public static boolean mayOverlap(String globA, String globB) {
        String a = normalize(globA);
        String b = normalize(globB);
        if (a.indexOf('{') >= 0 || b.indexOf('{') >= 0) {
            return true;
        }
        return overlap(compile(a, true), compile(b, true));
    }

    /** True when {@code path} (a file path relative to the repository root) matches {@code glob}. */
    public static boolean matches(String glob, String path) {
        String g = normalize(glob);
        String p = stripSlashes(path == null ? "" : path.trim());
        if (g.indexOf('{') >= 0) {
            return true;
        }
        return overlap(compile(g, true), compile(p, false));
    }

    /** Backticks, quotes, {@code ./} and leading slashes removed; {@code src/auth/} becomes {@code src/auth}. */
    static String normalize(String glob) {
        String g = glob == null ? "" : glob.trim();
        g = g.replace("`", "");
        if (g.length() >= 2 && (g.startsWith("\"") && g.endsWith("\"") || g.startsWith("'") && g.endsWith("'"))) {
            g = g.substring(1, g.length() - 1).trim();
        }
        g = g.replace('\\', '/');
        while (g.startsWith("./")) {
            g = g.substring(2);
        }
        g = stripSlashes(g);
        return g.isEmpty() ? "**" : g;
    }

    private static String stripSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') from++;
        while (to > from && s.charAt(to - 1) == '/') to--;
        return s.substring(from, to);
    }

    /** One segment: a globstar, or a sequence of characters, {@link #STAR}s and {@link #ANY_CHAR}s. */
    private record Segment(boolean globstar, int[] tokens) {
    }

    private static List<Segment> compile(String text, boolean glob) {
        List<Segment> out = new ArrayList<>();
        for (String part : text.split("/+", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (glob && part.equals("**")) {
                if (out.isEmpty() || !out.get(out.size() - 1).globstar()) {
                    out.add(new Segment(true, new int[0]));
                }
                continue;
            }
            out.add(new Segment(false, glob ? globTokens(part) : part.codePoints().toArray()));
        }
        if (glob && !out.isEmpty()) {
            Segment last = out.get(out.size() - 1);
            boolean plain = !last.globstar() && java.util.Arrays.stream(last.tokens()).allMatch(t -> t >= 0);
            if (plain) {
                out.add(new Segment(true, new int[0]));
            }
        }
        return out;
    }

    private static int[] globTokens(String part) {
        List<Integer> tokens = new ArrayList<>();
        int[] cps = part.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '*') {
                if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != STAR) tokens.add(STAR);
            } else if (c == '?') {
                tokens.add(ANY_CHAR);
            } else if (c == '[') {
                int close = indexOf(cps, ']', i + 2);
                if (close < 0) {
                    tokens.add((int) '[');
                } else {
                    if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != STAR) tokens.add(STAR);
                    i = close;
                }
            } else {
                tokens.add(c);
            }
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(int[] cps, int c, int from) {
        for (int i = from; i < cps.length; i++) {
            if (cps[i] == c) return i;
        }
        return -1;
    }

    /** Whether some list of concrete segments is matched by both segment patterns. */
    private static boolean overlap(List<Segment> a, List<Segment> b) {
        Boolean[][] memo = new Boolean[a.size() + 1][b.size() + 1];
        return overlap(a, 0, b, 0, memo);
    }

    private static boolean overlap(List<Segment> a, int i, List<Segment> b, int j, Boolean[][] memo) {
        if (memo[i][j] != null) {
            return memo[i][j];
        }
        boolean result;
        boolean aEnd = i == a.size();
        boolean bEnd = j == b.size();
        if (aEnd && bEnd) {
            result = true;
        } else if (!aEnd && a.get(i).globstar()) {
            result = overlap(a, i + 1, b, j, memo) || (!bEnd && overlap(a, i, b, j + 1, memo));
        } else if (!bEnd && b.get(j).globstar()) {
            result = overlap(a, i, b, j + 1, memo) || (!aEnd && overlap(a, i + 1, b, j, memo));
        } else if (aEnd || bEnd) {
            result = false;
        } else {
            result = segmentsOverlap(a.get(i).tokens(), b.get(j).tokens()) && overlap(a, i + 1, b, j + 1, memo);
        }
        memo[i][j] = result;
        return result;
    }

    /** Whether some segment name is matched by both token patterns. */
    private static boolean segmentsOverlap(int[] x, int[] y) {
        Boolean[][] memo = new Boolean[x.length + 1][y.length + 1];
        return tokensOverlap(x, 0, y, 0, memo);
    }

    private static boolean tokensOverlap(int[] x, int p, int[] y, int q, Boolean[][] memo) {
        if (memo[p][q] != null) {
            return memo[p][q];
        }
        boolean result;
        boolean xEnd = p == x.length;
        boolean yEnd = q == y.length;
        if (xEnd && yEnd) {
            result = true;
        } else if (!xEnd && x[p] == STAR) {
            result = tokensOverlap(x, p + 1, y, q, memo) || (!yEnd && tokensOverlap(x, p, y, q + 1, memo));
        } else if (!yEnd && y[q] == STAR) {
            result = tokensOverlap(x, p, y, q + 1, memo) || (!xEnd && tokensOverlap(x, p + 1, y, q, memo));
        } else if (xEnd || yEnd) {
            result = false;
        } else {
            boolean same = x[p] == ANY_CHAR || y[q] == ANY_CHAR || x[p] == y[q];
            result = same && tokensOverlap(x, p + 1, y, q + 1, memo);
        }
        memo[p][q] = result;
        return result;
    }
}
