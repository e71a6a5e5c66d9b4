package dev.grove.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plan written as a fenced block with info string {@code grove} in the issue body, holding YAML:
 * <pre>
 * tasks:
 *   - title: Add login
 *     instructions: Use the session store.
 *     paths: [src/auth/**]
 *     after: [2]          # task numbers (1-based, plan order) or titles
 * </pre>
 * {@code paths} may also be one comma-separated string. Pure: no I/O.
 */
public final class GroveBlock {
    private static final Pattern OPEN = Pattern.compile("^ {0,3}(`{3,}|~{3,})[ \\t]*grove[ \\t]*$");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private GroveBlock() {
    }

    /** What the issue body holds. */
    public sealed interface Result {
    }

    /** No {@code grove} block. */
    public record Absent() implements Result {
    }

    /** A valid block. */
    public record Tasks(List<Task> tasks) implements Result {
    }

    /** A block that cannot be read; {@code message} says what to fix. */
    public record Invalid(String message) implements Result {
    }

    public static Result read(String issueBody) {
        String yaml = extract(issueBody == null ? "" : issueBody);
        if (yaml == null) {
            return new Absent();
        }
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new Invalid("the `grove` block is not valid YAML (" + why + ")");
        }
        if (root == null || !root.path("tasks").isArray() || root.path("tasks").isEmpty()) {
            return new Invalid("the `grove` block needs a non-empty list `tasks:`, each with a `title`");
        }
        JsonNode items = root.path("tasks");
        List<String> titles = new ArrayList<>();
        for (JsonNode item : items) {
            titles.add(item.path("title").asText("").strip());
        }
        List<Task> tasks = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            int number = i + 1;
            if (!item.isObject()) {
                errors.add("task " + number + " is not a mapping with `title`, `instructions`, `paths`, `after`");
                continue;
            }
            String title = titles.get(i);
            if (title.isEmpty()) {
                errors.add("task " + number + " has no `title`");
            }
            String instructions = item.path("instructions").isValueNode() ? item.path("instructions").asText().strip() : "";
            List<String> paths = new ArrayList<>();
            JsonNode p = item.path("paths");
            if (p.isArray()) {
                p.forEach(x -> addGlobs(paths, x.asText()));
            } else if (p.isValueNode()) {
                addGlobs(paths, p.asText());
            }
            List<Integer> after = new ArrayList<>();
            JsonNode a = item.path("after");
            List<JsonNode> refs = new ArrayList<>();
            if (a.isArray()) a.forEach(refs::add); else if (a.isValueNode() && !a.isNull()) refs.add(a);
            for (JsonNode ref : refs) {
                if (ref.isInt()) {
                    after.add(ref.asInt());
                } else {
                    String name = ref.asText().strip();
                    int at = titles.indexOf(name);
                    if (name.matches("\\d+")) {
                        after.add(Integer.parseInt(name));
                    } else if (at >= 0) {
                        after.add(at + 1);
                    } else {
                        errors.add("task " + number + " names `" + name + "` in `after`, which is neither a task "
                                + "number nor the title of a task");
                    }
                }
            }
            tasks.add(new Task(number, title, instructions, paths, after));
        }
        if (!errors.isEmpty()) {
            return new Invalid("the `grove` block has problems: " + String.join("; ", errors));
        }
        return new Tasks(tasks);
    }

    private static void addGlobs(List<String> out, String value) {
        for (String part : value.split(",")) {
            String g = part.strip().replace("`", "");
            if (!g.isEmpty()) out.add(g);
        }
    }

    /** The text of the first fenced block whose info string is {@code grove}, or null. */
    static String extract(String body) {
        String[] lines = body.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = OPEN.matcher(lines[i]);
            if (!m.matches()) continue;
            String fence = m.group(1);
            StringBuilder sb = new StringBuilder();
            for (int j = i + 1; j < lines.length; j++) {
                String s = lines[j].strip();
                if (s.startsWith(fence.substring(0, 3)) && s.chars().allMatch(c -> c == fence.charAt(0))
                        && s.length() >= fence.length()) {
                    return sb.toString();
                }
                sb.append(lines[j]).append('\n');
            }
            return sb.toString();
        }
        return null;
    }
}
