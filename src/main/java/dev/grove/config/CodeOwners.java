package dev.grove.config;

import dev.grove.plan.PathGlobs;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A repository's {@code CODEOWNERS}, for {@code require_code_owners}: who owns the files a task may touch. Pure.
 *
 * <p>Each rule's pattern is read the gitignore way GitHub uses (a leading or inner {@code /} anchors it at the root,
 * a trailing {@code /} means a folder, otherwise it matches at any depth); the last matching rule wins, as on
 * GitHub. A user may run a task when they own each of its paths (see {@link #ownersOf}); a task with no paths is
 * owned as the repository's root is. Teams ({@code @org/team}) are named in
 * replies but cannot be checked without reading team membership, so only people named directly count as owners.
 */
public final class CodeOwners {
    /** The places GitHub looks for the file, in its order. */
    public static final List<String> LOCATIONS = List.of(".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS");

    record Rule(String glob, List<String> owners) {
    }

    private final List<Rule> rules;

    private CodeOwners(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static CodeOwners parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            int hash = line.indexOf(" #");
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (hash > 0) line = line.substring(0, hash).strip();
            String[] parts = line.split("\\s+");
            if (dev.grove.plan.PathGlobs.problem(glob(parts[0])) != null) {
                continue; // a pattern too long to read: GitHub ignores what it cannot parse, and so does Grove
            }
            List<String> owners = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) owners.add(parts[i]);
            rules.add(new Rule(glob(parts[0]), owners));
        }
        return new CodeOwners(rules);
    }

    static String glob(String pattern) {
        String p = pattern;
        if (p.equals("*")) return "**";
        boolean anchored = p.startsWith("/") || p.substring(0, Math.max(0, p.length() - 1)).contains("/");
        if (p.startsWith("/")) p = p.substring(1);
        if (p.endsWith("/")) p = p + "**";
        return anchored ? p : "**/" + p;
    }

    /**
     * The people who own every path of the task: for each path, the owners of the last rule matching it (a glob
     * stands for the folder before its first wildcard, so {@code src/cart/**} is owned as {@code src/cart/} is);
     * then those named for all of them. Null when no rule covers any of the paths (no owner needed).
     */
    public Set<String> ownersOf(List<String> taskPaths) {
        List<String> paths = taskPaths.isEmpty() ? List.of("**") : taskPaths;
        Set<String> all = null;
        boolean covered = false;
        for (String t : paths) {
            String rep = representative(t);
            Rule last = null;
            for (Rule r : rules) {
                if (PathGlobs.matches(r.glob(), rep)) last = r;
            }
            Set<String> owners = last == null ? null : new LinkedHashSet<>(last.owners());
            if (owners == null) continue;
            covered = true;
            if (all == null) all = owners;
            else all.retainAll(owners);
        }
        return covered ? all : null;
    }

    /** A file path that stands for the glob: the glob itself without wildcards, else a file in its folder. */
    static String representative(String glob) {
        String g = glob.startsWith("/") ? glob.substring(1) : glob;
        int wild = -1;
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                wild = i;
                break;
            }
        }
        if (wild < 0) return g.endsWith("/") ? g + "x" : g;
        String prefix = g.substring(0, g.lastIndexOf('/', wild) + 1);
        return prefix + "x";
    }

    /** Whether {@code user} may run a task with these paths: no rule covers them, or the user is named in each. */
    public boolean mayRun(String user, List<String> taskPaths) {
        Set<String> owners = ownersOf(taskPaths);
        if (owners == null) return true;
        String me = "@" + user.toLowerCase(Locale.ROOT);
        return owners.stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).equals(me));
    }
}
