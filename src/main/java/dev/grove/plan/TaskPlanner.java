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
    /** The most tasks any plan may have ({@code max_tasks} may lower it, never raise it). */
    public static final int MAX_TASKS = 20;
    /** The most path globs one task may name. */
    public static final int MAX_GLOBS_PER_TASK = 50;

    /** The issue's plan, with at most {@link #MAX_TASKS} tasks. */
    public Plan plan(String issueTitle, String issueBody) {
        return plan(issueTitle, issueBody, MAX_TASKS);
    }

    /**
     * The issue's plan. A checklist with more than {@code maxTasks} unchecked items (the repository's
     * {@code max_tasks}, itself at most {@link #MAX_TASKS}) runs nothing: the plan's problem says so.
     */
    public Plan plan(String issueTitle, String issueBody, int maxTasks) {
        String title = issueTitle == null ? "" : issueTitle.strip();
        String body = issueBody == null ? "" : issueBody;
        Parsed parsed = parse(body);
        if (parsed.tasks().isEmpty()) {
            if (parsed.sawCheckedItems()) {
                return new Plan(List.of(), List.of(),
                        List.of("Every checklist item is checked, so there is nothing to run; "
                                + "add an unchecked `- [ ]` item for each task."), "checklist", null);
            }
            return schedule(List.of(new Task(1, title, body.strip(), List.of())), maxTasks).withSource("issue");
        }
        return schedule(parsed.tasks(), maxTasks).withSource("checklist");
    }

    /** Whether the body holds checklist items (checked or not) outside code blocks, i.e. the checklist is the plan. */
    public boolean hasChecklist(String issueBody) {
        Parsed parsed = parse(issueBody == null ? "" : issueBody);
        return !parsed.tasks().isEmpty() || parsed.sawCheckedItems();
    }

    /**
     * Puts tasks into waves. First the tasks are put in a topological order of their {@code after} lists (ties keep
     * plan order); a cycle, or an {@code after} naming no task, gives a plan with a {@link Plan#problem()} and no
     * waves. Then each task goes into the earliest wave after every wave holding a task before it in that order that
     * it names in {@code after} or may overlap with. Tasks overlap when any pair of their globs may overlap; a task
     * that names no paths overlaps every other task (unless it is the only one). The notes say why each task waits.
     */
    public Plan schedule(List<Task> tasks) {
        return schedule(tasks, MAX_TASKS);
    }

    /**
     * {@link #schedule(List)}, after the bounds: more than {@code maxTasks} tasks, more than
     * {@link #MAX_GLOBS_PER_TASK} globs in a task, or a glob longer than {@link PathGlobs#MAX_GLOB_LENGTH} gives a plan
     * whose problem says which and what to do, and nothing runs.
     */
    public Plan schedule(List<Task> tasks, int maxTasks) {
        String bounds = outOfBounds(tasks, Math.min(maxTasks, MAX_TASKS));
        if (bounds != null) {
            return unrunnable(tasks, bounds);
        }
        int n = tasks.size();
        java.util.Map<Integer, Integer> indexOf = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            indexOf.put(tasks.get(i).number(), i);
        }
        List<List<Integer>> before = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            List<Integer> deps = new ArrayList<>();
            for (int a : tasks.get(j).after()) {
                Integer i = indexOf.get(a);
                if (i == null) {
                    return unrunnable(tasks, "Task " + tasks.get(j).number() + " (" + tasks.get(j).title()
                            + ") names task " + a + " in `after`, but the plan has no task " + a
                            + "; nothing runs. Fix the `after` list (tasks are numbered from 1 in plan order).");
                }
                deps.add(i);
            }
            before.add(deps);
        }
        List<Integer> order = topologicalOrder(before);
        if (order == null) {
            return unrunnable(tasks, "The tasks' `after` lists form a cycle: " + describeCycle(tasks, before)
                    + "; nothing runs. Remove one of these `after` entries.");
        }

        List<List<Task>> waves = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] waveOf = new int[n];
        boolean several = n > 1;
        for (int pos = 0; pos < n; pos++) {
            int j = order.get(pos);
            Task task = tasks.get(j);
            if (several && task.paths().isEmpty()) {
                notes.add("Task " + task.number() + " (" + task.title() + ") names no paths, so it runs on its own; "
                        + "add a `paths:` line under it to let it run beside others.");
            }
            int wave = 0;
            for (int q = 0; q < pos; q++) {
                int i = order.get(q);
                Task earlier = tasks.get(i);
                if (before.get(j).contains(i)) {
                    wave = Math.max(wave, waveOf[i] + 1);
                    notes.add("Task " + task.number() + " (" + task.title() + ") waits for task " + earlier.number()
                            + " (" + earlier.title() + "): it names it in `after`.");
                    continue;
                }
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
        for (List<Task> w : waves) {
            w.sort(java.util.Comparator.comparingInt(Task::number));
        }
        return new Plan(tasks, waves, notes);
    }

    /** What makes these tasks too many or too big to plan, or null. */
    static String outOfBounds(List<Task> tasks, int maxTasks) {
        if (tasks.size() > maxTasks) {
            return "The plan has " + tasks.size() + " tasks, more than the " + maxTasks + " this repository allows"
                    + " (`max_tasks` in .github/grove.yml, at most " + MAX_TASKS + "), so nothing runs. Split the issue"
                    + " into several, or check off (`- [x]`) the items that should not run now.";
        }
        for (Task t : tasks) {
            if (t.paths().size() > MAX_GLOBS_PER_TASK) {
                return "Task " + t.number() + " (" + t.title() + ") names " + t.paths().size() + " paths; at most "
                        + MAX_GLOBS_PER_TASK + " are allowed, so nothing runs. Name folders (`src/cart/**`) instead.";
            }
            for (String glob : t.paths()) {
                String problem = PathGlobs.problem(glob);
                if (problem != null) {
                    return "Task " + t.number() + " (" + t.title() + "): " + problem + ". Nothing runs.";
                }
            }
        }
        return null;
    }

    private static Plan unrunnable(List<Task> tasks, String problem) {
        return new Plan(tasks, List.of(), List.of(), null, problem);
    }

    /** Kahn's algorithm, always taking the earliest ready task in plan order; null when there is a cycle. */
    private static List<Integer> topologicalOrder(List<List<Integer>> before) {
        int n = before.size();
        int[] waiting = new int[n];
        for (int j = 0; j < n; j++) {
            waiting[j] = (int) before.get(j).stream().distinct().count();
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int j = 0; j < n; j++) {
            if (waiting[j] == 0) ready.add(j);
        }
        List<Integer> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (int j = 0; j < n; j++) {
                if (before.get(j).contains(i) && --waiting[j] == 0) {
                    ready.add(j);
                }
            }
        }
        return order.size() == n ? order : null;
    }

    /** One cycle, as "task 1 (A) -> task 2 (B) -> task 1 (A)". */
    private static String describeCycle(List<Task> tasks, List<List<Integer>> before) {
        int n = before.size();
        int[] state = new int[n]; // 0 new, 1 on the stack, 2 done
        java.util.Deque<Integer> stack = new java.util.ArrayDeque<>();
        for (int s = 0; s < n; s++) {
            List<Integer> cycle = findCycle(s, before, state, stack);
            if (cycle != null) {
                List<String> parts = new ArrayList<>();
                for (int i : cycle) {
                    parts.add("task " + tasks.get(i).number() + " (" + tasks.get(i).title() + ")");
                }
                return String.join(" waits for ", parts);
            }
        }
        return "(cycle)";
    }

    private static List<Integer> findCycle(int v, List<List<Integer>> before, int[] state,
            java.util.Deque<Integer> stack) {
        if (state[v] == 2) return null;
        if (state[v] == 1) {
            List<Integer> path = new ArrayList<>(stack);
            java.util.Collections.reverse(path);
            List<Integer> cycle = new ArrayList<>(path.subList(path.indexOf(v), path.size()));
            cycle.add(v);
            return cycle;
        }
        state[v] = 1;
        stack.push(v);
        for (int w : before.get(v)) {
            List<Integer> c = findCycle(w, before, state, stack);
            if (c != null) return c;
        }
        stack.pop();
        state[v] = 2;
        return null;
    }

    /** Plain words for each pair of globs of the two tasks that may overlap; empty when none does. */
    static List<String> sharedPaths(Task earlier, Task later) {
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
