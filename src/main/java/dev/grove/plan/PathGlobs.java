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
    /** The longest glob Grove reads; a longer one is refused with {@link #problem(String)}'s message. */
    public static final int MAX_GLOB_LENGTH = 1000;
    /** The longest file path compared with a glob (Linux's PATH_MAX); a longer one matches nothing. */
    public static final int MAX_PATH_LENGTH = 4096;
    private static final int STAR = -1;
    private static final int ANY_CHAR = -2;

    private PathGlobs() {
    }

    /** Why Grove cannot use this glob (too long), or null when it can. */
    public static String problem(String glob) {
        if (glob != null && glob.length() > MAX_GLOB_LENGTH) {
            return "the path glob `" + glob.substring(0, 40) + "…` is " + glob.length() + " characters long; at most "
                    + MAX_GLOB_LENGTH + " are allowed. Shorten it (a folder such as `src/cart/**` covers everything below it)";
        }
        return null;
    }

    private static void requireUsable(String glob) {
        String problem = problem(glob);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * True when some file path could match both globs. Conservative: a glob this class cannot read exactly
     * (braces) overlaps everything, and a bracket class {@code [...]} is read as {@code *}.
     *
     * @throws IllegalArgumentException for a glob longer than {@link #MAX_GLOB_LENGTH}, with a message that says so
     */
    public static boolean mayOverlap(String globA, String globB) {
        requireUsable(globA);
        requireUsable(globB);
        String a = normalize(globA);
        String b = normalize(globB);
        if (a.indexOf('{') >= 0 || b.indexOf('{') >= 0) {
            return true;
        }
        return overlap(compile(a, true), compile(b, true));
    }

    /**
     * True when {@code path} (a file path relative to the repository root) matches {@code glob}. A path longer than
     * {@link #MAX_PATH_LENGTH} matches nothing.
     *
     * @throws IllegalArgumentException for a glob longer than {@link #MAX_GLOB_LENGTH}, with a message that says so
     */
    public static boolean matches(String glob, String path) {
        requireUsable(glob);
        if (path != null && path.length() > MAX_PATH_LENGTH) {
            return false;
        }
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

    /**
     * Whether some list of concrete segments is matched by both segment patterns. Filled in from the ends backwards
     * (no recursion, so no input length can overflow the stack); {@code m[i][j]}: the rests from {@code i} and
     * {@code j} can match one list.
     */
    private static boolean overlap(List<Segment> a, List<Segment> b) {
        int n = a.size();
        int k = b.size();
        boolean[][] m = new boolean[n + 1][k + 1];
        for (int i = n; i >= 0; i--) {
            for (int j = k; j >= 0; j--) {
                boolean aEnd = i == n;
                boolean bEnd = j == k;
                if (aEnd && bEnd) {
                    m[i][j] = true;
                } else if (!aEnd && a.get(i).globstar()) {
                    m[i][j] = m[i + 1][j] || (!bEnd && m[i][j + 1]);
                } else if (!bEnd && b.get(j).globstar()) {
                    m[i][j] = m[i][j + 1] || (!aEnd && m[i + 1][j]);
                } else if (aEnd || bEnd) {
                    m[i][j] = false;
                } else {
                    m[i][j] = m[i + 1][j + 1] && segmentsOverlap(a.get(i).tokens(), b.get(j).tokens());
                }
            }
        }
        return m[0][0];
    }

    /** Whether some segment name is matched by both token patterns; the same table, over characters. */
    private static boolean segmentsOverlap(int[] x, int[] y) {
        int n = x.length;
        int k = y.length;
        boolean[][] m = new boolean[n + 1][k + 1];
        for (int p = n; p >= 0; p--) {
            for (int q = k; q >= 0; q--) {
                boolean xEnd = p == n;
                boolean yEnd = q == k;
                if (xEnd && yEnd) {
                    m[p][q] = true;
                } else if (!xEnd && x[p] == STAR) {
                    m[p][q] = m[p + 1][q] || (!yEnd && m[p][q + 1]);
                } else if (!yEnd && y[q] == STAR) {
                    m[p][q] = m[p][q + 1] || (!xEnd && m[p + 1][q]);
                } else if (xEnd || yEnd) {
                    m[p][q] = false;
                } else {
                    m[p][q] = (x[p] == ANY_CHAR || y[q] == ANY_CHAR || x[p] == y[q]) && m[p + 1][q + 1];
                }
            }
        }
        return m[0][0];
    }
}
