package dev.grove.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A planner agent's answer, {@code {"tasks":[{"title":..., "instructions":..., "paths":[...]}]}}, read and checked
 * against the repository's files. Pure: no I/O. The JSON may sit inside other text or a {@code ```json} block; the
 * last object holding {@code "tasks"} is taken.
 */
public final class AgentPlan {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentPlan() {
    }

    public sealed interface Result {
    }

    public record Valid(List<Task> tasks) implements Result {
    }

    /** Every problem found, each phrased so the agent can fix it when asked again. */
    public record Invalid(List<String> errors) implements Result {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }

    /**
     * @param files every file of the base branch (paths relative to the root)
     */
    public static Result read(String answer, int maxTasks, Collection<String> files) {
        JsonNode root = lastTasksObject(answer == null ? "" : answer);
        if (root == null) {
            return new Invalid(List.of("the answer holds no JSON object {\"tasks\": [...]}"));
        }
        JsonNode items = root.get("tasks");
        List<String> errors = new ArrayList<>();
        if (!items.isArray() || items.isEmpty()) {
            return new Invalid(List.of("`tasks` must be a non-empty array"));
        }
        if (items.size() > maxTasks) {
            errors.add("there are " + items.size() + " tasks; at most " + maxTasks + " are allowed");
        }
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            int n = i + 1;
            if (!item.isObject()) {
                errors.add("task " + n + " is not an object");
                continue;
            }
            JsonNode title = item.get("title");
            if (title == null || !title.isTextual() || title.asText().isBlank()) {
                errors.add("task " + n + " needs a non-empty string `title`");
            }
            JsonNode instructions = item.get("instructions");
            if (instructions != null && !instructions.isTextual() && !instructions.isNull()) {
                errors.add("task " + n + ": `instructions` must be a string");
            }
            JsonNode paths = item.get("paths");
            List<String> globs = new ArrayList<>();
            if (paths == null || !paths.isArray() || paths.isEmpty()) {
                errors.add("task " + n + " needs `paths`: a non-empty array of path globs");
            } else {
                for (JsonNode p : paths) {
                    if (!p.isTextual() || p.asText().isBlank()) {
                        errors.add("task " + n + ": every path must be a non-empty string");
                        continue;
                    }
                    String glob = p.asText().strip();
                    String problem = pathProblem(glob, files);
                    if (problem != null) {
                        errors.add("task " + n + ": " + problem);
                    }
                    globs.add(glob);
                }
            }
            tasks.add(new Task(n, title == null ? "" : title.asText().strip(),
                    instructions == null || instructions.isNull() ? "" : instructions.asText().strip(), globs));
        }
        return errors.isEmpty() ? new Valid(tasks) : new Invalid(errors);
    }

    /**
     * Null when the glob matches an existing file (or folder), or names a new file in a folder that exists;
     * otherwise what is wrong with it.
     */
    static String pathProblem(String glob, Collection<String> files) {
        String tooLong = PathGlobs.problem(glob);
        if (tooLong != null) {
            return tooLong;
        }
        String g = PathGlobs.normalize(glob);
        if (g.equals("..") || g.startsWith("../") || g.contains("/../")) {
            return "`" + glob + "` leaves the repository";
        }
        for (String f : files) {
            if (PathGlobs.matches(g, f)) {
                return null;
            }
        }
        boolean wildcard = g.indexOf('*') >= 0 || g.indexOf('?') >= 0 || g.indexOf('[') >= 0;
        int slash = g.lastIndexOf('/');
        String folder = slash < 0 ? "" : g.substring(0, slash);
        if (!wildcard && folder.indexOf('*') < 0 && (folder.isEmpty()
                || files.stream().anyMatch(f -> f.startsWith(folder + "/")))) {
            return null;
        }
        return "`" + glob + "` matches no file, and is not a new file in a folder that exists";
    }

    private static JsonNode lastTasksObject(String text) {
        JsonNode found = null;
        for (int start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
            try (var parser = JSON.getFactory().createParser(text.substring(start))) {
                JsonNode node = JSON.readTree(parser);
                if (node != null && node.isObject() && node.has("tasks")) {
                    found = node;
                }
            } catch (Exception e) {
                // not JSON from here
            }
        }
        return found;
    }
}
