package dev.grove.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue text to a plan. Pure: no I/O.
 *
 * <p>Each unchecked checklist item ({@code - [ ] title} or {@code * [ ] title}, indented at most 3 spaces) is a
 * task. Under an item, an indented {@code paths: a/**, b.md} line names the globs the task may touch, and every
 * other indented line becomes its instructions. Checked items ({@code - [x]}) and everything inside fenced code
 * blocks are not tasks. Without any checklist item the whole issue is one task.
 */
public final class TaskPlanner {
    private static final Pattern ITEM = Pattern.compile("^( {0,3})[-*+][ \\t]+\\[([ xX])\\](?:[ \\t]+(.*))?$");
    private static final Pattern PATHS = Pattern.compile("^(?:[-*+][ \\t]+)?paths[ \\t]*:(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern FENCE = Pattern.compile("^[ \\t]*(`{3,}|~{3,})(.*)$");

    public Plan plan(String issueTitle, String issueBody) {
        String title = issueTitle == null ? "" : issueTitle.strip();
        String body = issueBody == null ? "" : issueBody;
        Parsed parsed = parse(body);
        if (parsed.tasks().isEmpty()) {
            if (parsed.sawCheckedItems()) {
                return new Plan(List.of(), List.of(),
                        List.of("Every checklist item is checked, so there is nothing to run; "
                                + "add an unchecked `- [ ]` item for each task."));
            }
            return schedule(List.of(new Task(1, title, body.strip(), List.of())));
        }
        return schedule(parsed.tasks());
    }

    /**
     * Puts tasks into waves, greedily in task order: a task goes into the earliest wave after every wave holding an
     * earlier task it may overlap with. Tasks overlap when any pair of their globs may overlap; a task that names no
     * paths overlaps every other task (unless it is the only one). The notes say why each task waits.
     */
    public Plan schedule(List<Task> tasks) {
        List<List<Task>> waves = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] waveOf = new int[tasks.size()];
        boolean several = tasks.size() > 1;
        for (int j = 0; j < tasks.size(); j++) {
            Task task = tasks.get(j);
            if (several && task.paths().isEmpty()) {
                notes.add("Task " + task.number() + " (" + task.title() + ") names no paths, so it runs on its own; "
                        + "add a `paths:` line under it to let it run beside others.");
            }
            int wave = 0;
            for (int i = 0; i < j; i++) {
                Task earlier = tasks.get(i);
                if (task.paths().isEmpty() || earlier.paths().isEmpty()) {
                    wave = Math.max(wave, waveOf[i] + 1);
                    continue;
                }
                List<String> shared = sharedPaths(earlier, task);
                if (!shared.isEmpty()) {
                    wave = Math.max(wave, waveOf[i] + 1);
                    notes.add("Task " + task.number() + " (" + task.title() + ") waits for task " + earlier.number()
                            + " (" + earlier.title() + "): " + String.join("; ", shared) + ".");
                }
            }
            waveOf[j] = wave;
            while (waves.size() <= wave) {
                waves.add(new ArrayList<>());
            }
            waves.get(wave).add(task);
        }
        return new Plan(tasks, waves, notes);
    }

    /** Plain words for each pair of globs of the two tasks that may overlap; empty when none does. */
    private static List<String> sharedPaths(Task earlier, Task later) {
        Set<String> out = new LinkedHashSet<>();
        for (String a : earlier.paths()) {
            for (String b : later.paths()) {
                if (!PathGlobs.mayOverlap(a, b)) {
                    continue;
                }
                if (PathGlobs.normalize(a).equals(PathGlobs.normalize(b))) {
                    out.add("both may touch `" + a + "`");
                } else {
                    out.add("`" + a + "` and `" + b + "` may cover the same files");
                }
            }
        }
        return List.copyOf(out);
    }

    private record Parsed(List<Task> tasks, boolean sawCheckedItems) {
    }

    /** An item being read: its title and the lines under it, or a checked item whose lines are skipped. */
    private static final class Item {
        final String title;
        final boolean checked;
        final List<String> paths = new ArrayList<>();
        final List<String> lines = new ArrayList<>();

        Item(String title, boolean checked) {
            this.title = title;
            this.checked = checked;
        }
    }

    private static Parsed parse(String body) {
        List<Item> items = new ArrayList<>();
        boolean sawChecked = false;
        Item current = null;
        String fence = null;
        for (String raw : body.split("\\R", -1)) {
            String line = expandTabs(raw);
            if (fence != null) {
                if (closesFence(line, fence)) {
                    fence = null;
                }
                if (current != null) {
                    if (isIndented(line) || line.isBlank()) {
                        current.lines.add(line);
                    } else {
                        current = null;
                    }
                }
                continue;
            }
            Matcher fenceStart = FENCE.matcher(line);
            if (fenceStart.matches() && !(fenceStart.group(1).charAt(0) == '`' && fenceStart.group(2).contains("`"))) {
                fence = fenceStart.group(1);
                if (current != null && isIndented(line)) {
                    current.lines.add(line);
                } else {
                    current = null;
                }
                continue;
            }
            Matcher item = ITEM.matcher(line);
            if (item.matches()) {
                String title = item.group(3) == null ? "" : item.group(3).strip();
                boolean checked = !item.group(2).equals(" ");
                sawChecked |= checked;
                if (title.isEmpty()) {
                    current = null;
                    continue;
                }
                current = new Item(title, checked);
                items.add(current);
                continue;
            }
            if (current == null) {
                continue;
            }
            if (line.isBlank()) {
                current.lines.add("");
            } else if (isIndented(line)) {
                Matcher paths = PATHS.matcher(line.strip());
                if (paths.matches()) {
                    current.paths.addAll(splitGlobs(paths.group(1)));
                } else {
                    current.lines.add(line);
                }
            } else {
                current = null;
            }
        }
        List<Task> tasks = new ArrayList<>();
        for (Item it : items) {
            if (!it.checked) {
                tasks.add(new Task(tasks.size() + 1, it.title, instructions(it.lines), it.paths));
            }
        }
        return new Parsed(tasks, sawChecked);
    }

    private static List<String> splitGlobs(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.replace("`", "").split(",")) {
            String glob = part.strip();
            if (glob.length() >= 2 && (glob.startsWith("\"") && glob.endsWith("\"")
                    || glob.startsWith("'") && glob.endsWith("'"))) {
                glob = glob.substring(1, glob.length() - 1).strip();
            }
            if (!glob.isEmpty()) {
                out.add(glob);
            }
        }
        return out;
    }

    /** The lines under an item, without their common indentation and without leading or trailing blank lines. */
    private static String instructions(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, leadingSpaces(l));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(Math.min(indent, leadingSpaces(l))).stripTrailing()).append('\n');
        }
        return sb.toString().strip();
    }

    private static boolean isIndented(String line) {
        return !line.isEmpty() && line.charAt(0) == ' ';
    }

    private static int leadingSpaces(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') n++;
        return n;
    }

    private static boolean closesFence(String line, String fence) {
        String s = line.strip();
        if (s.isEmpty() || s.charAt(0) != fence.charAt(0)) {
            return false;
        }
        int n = 0;
        while (n < s.length() && s.charAt(n) == fence.charAt(0)) n++;
        return n >= fence.length() && s.substring(n).isBlank();
    }

    private static String expandTabs(String line) {
        if (line.indexOf('\t') < 0) {
            return line;
        }
        StringBuilder sb = new StringBuilder();
        for (char c : line.toCharArray()) {
            if (c == '\t') {
                do sb.append(' '); while (sb.length() % 4 != 0);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
