package dev.grove.plan;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Branch names for tasks: {@code <prefix><issue>-<slug of the title>}, e.g. {@code grove/12-add-login}, valid per
 * {@code git check-ref-format} and unique among the repository's branches. Deterministic: the same title and the
 * same existing branches give the same name. Pure: no I/O.
 */
public final class BranchNamer {
    static final int MAX_SLUG = 40;

    private BranchNamer() {
    }

    /**
     * A readable slug: lowercase ASCII letters, digits and single {@code -} between words, accents stripped, at
     * most 40 characters (cut at a word boundary when there is one), never empty ({@code task} when nothing is left).
     */
    public static String slug(String title) {
        String s = title == null ? "" : title;
        s = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        s = s.replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE").replace("ø", "o").replace("Ø", "O")
                .replace("œ", "oe").replace("Œ", "OE").replace("ł", "l").replace("Ł", "L").replace("đ", "d")
                .replace("Đ", "D").replace("þ", "th").replace("Þ", "TH");
        s = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        s = trimDashes(s);
        if (s.length() > MAX_SLUG) {
            String cut = s.substring(0, MAX_SLUG);
            int dash = cut.lastIndexOf('-');
            if (s.charAt(MAX_SLUG) != '-' && dash >= MAX_SLUG / 2) {
                cut = cut.substring(0, dash);
            }
            s = trimDashes(cut);
        }
        return s.isEmpty() ? "task" : s;
    }

    /**
     * {@code prefix + issueNumber + "-" + slug(title)}, made unique with {@code -2}, {@code -3}, … A name is taken
     * when a branch of that name exists, when an existing branch is a path-prefix of it ({@code grove/12-x} blocks
     * {@code grove/12-x/y}) or when it is a path-prefix of an existing branch; git could not create it in those
     * cases. Compared without regard to case, since refs may live on a case-insensitive file system.
     *
     * @param prefix e.g. {@code grove/}; must keep the name valid for {@code git check-ref-format}
     * @throws IllegalStateException when a branch named like the prefix itself exists (a branch {@code grove}), so
     *                               no branch under {@code grove/} can be created
     * @throws IllegalArgumentException when the prefix makes the name invalid as a git branch name
     */
    public static String branchName(String prefix, int issueNumber, String title, Set<String> existingBranches) {
        String pre = prefix == null ? "" : prefix;
        Set<String> existing = existingBranches == null ? Set.of() : existingBranches;
        String base = pre + issueNumber + "-" + slug(title);
        if (!isValidBranchName(base)) {
            throw new IllegalArgumentException("the branch prefix `" + pre + "` does not give a valid git branch name ("
                    + base + "); set branch_prefix in .github/grove.yml to something like `grove/`");
        }
        String folder = pre.endsWith("/") ? pre.substring(0, pre.length() - 1) : null;
        if (folder != null) {
            for (String e : existing) {
                if (folder.equalsIgnoreCase(e) || lower(folder).startsWith(lower(e) + "/")) {
                    throw new IllegalStateException("the repository has a branch named `" + e + "`, so git cannot "
                            + "create branches under `" + pre + "`; rename or delete the branch `" + e
                            + "`, or set branch_prefix in .github/grove.yml to another prefix");
                }
            }
        }
        String name = base;
        for (int n = 2; collides(name, existing); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    /**
     * What {@code git check-ref-format refs/heads/<name>} accepts, and no leading {@code -}
     * (which {@code git branch} refuses).
     */
    public static boolean isValidBranchName(String name) {
        if (name == null || name.isEmpty() || name.equals("@") || name.startsWith("-")) {
            return false;
        }
        if (name.startsWith("/") || name.endsWith("/") || name.endsWith(".") || name.contains("//")
                || name.contains("..") || name.contains("@{")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return false;
            }
        }
        for (String component : name.split("/")) {
            if (component.startsWith(".") || component.endsWith(".lock")) {
                return false;
            }
        }
        return true;
    }

    private static boolean collides(String name, Set<String> existing) {
        String n = lower(name);
        for (String e : existing) {
            String x = lower(e);
            if (x.equals(n) || n.startsWith(x + "/") || x.startsWith(n + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String trimDashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '-') from++;
        while (to > from && s.charAt(to - 1) == '-') to--;
        return s.substring(from, to);
    }
}
