package dev.grove.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.grove.model.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code .github/grove.yml} as untrusted input. Pure: text in, a config and its problems out. A key that is
 * unknown or has a bad value is reported with its line and the default is used for it; a file that is not YAML at
 * all gives the defaults and one problem. It never throws.
 */
public final class RepoConfigParser {
    private static final Set<String> KEYS = Set.of("trigger_label", "max_parallel", "branch_prefix", "base",
            "permission", "require_code_owners", "agent", "verify", "verify_timeout", "draft_on_failure",
            "delete_branch_on_merge", "max_tasks", "measure", "budget", "close_issue",
            "ci_fix_attempts", "setup", "auto_resolve");
    private static final Pattern LABEL = Pattern.compile("[^\\r\\n,]{1,50}");
    private static final Pattern PREFIX = Pattern.compile("grove/([a-z0-9][a-z0-9._-]*/)?");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    static final int MAX_PARALLEL_LIMIT = 16;
    static final int MAX_TASKS_LIMIT = 20;
    static final int CI_FIX_ATTEMPTS_LIMIT = 10;

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /** The config read from {@code text} and what was wrong with it. */
    public record Result(RepoConfig config, List<ConfigProblem> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param defaults what each key is when absent or bad
     * @param agents   the agent names the server defines
     */
    public Result parse(String text, RepoConfig defaults, Set<String> agents) {
        List<ConfigProblem> problems = new ArrayList<>();
        Builder b = new Builder(defaults);
        try (JsonParser p = yaml.getFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Result(defaults, problems); // empty file
            }
            if (first != JsonToken.START_OBJECT) {
                problems.add(new ConfigProblem(line(p.currentTokenLocation()),
                        "the file must be a mapping of keys to values (e.g. `max_parallel: 2`); the defaults are used"));
                return new Result(defaults, problems);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = line(p.currentTokenLocation());
                p.nextToken();
                JsonNode value = yaml.readTree(p);
                if (!KEYS.contains(key)) {
                    problems.add(new ConfigProblem(line, "unknown key `" + key + "`; known keys: "
                            + String.join(", ", new TreeSet<>(KEYS))));
                    continue;
                }
                String problem = b.set(key, value, agents);
                if (problem != null) {
                    problems.add(new ConfigProblem(line, "`" + key + "`: " + problem + "; the default ("
                            + b.describeDefault(key) + ") is used"));
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(new ConfigProblem(e.getLocation() == null ? 0 : line(e.getLocation()),
                    "not valid YAML (" + e.getOriginalMessage().lines().findFirst().orElse("") + "); the defaults are used"));
            return new Result(defaults, problems);
        } catch (IOException e) {
            problems.add(new ConfigProblem(0, "could not be read: " + e.getMessage() + "; the defaults are used"));
            return new Result(defaults, problems);
        }
        return new Result(b.build(), problems);
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : Math.max(0, loc.getLineNr());
    }

    /** The config being built; each setter answers a problem or null. */
    private static final class Builder {
        final RepoConfig d;
        String triggerLabel;
        int maxParallel;
        String branchPrefix;
        String base;
        String permission;
        boolean requireCodeOwners;
        String agent;
        String verify;
        Duration verifyTimeout;
        boolean draftOnFailure;
        boolean deleteBranchOnMerge;
        int maxTasks;
        String measure;
        RepoConfig.Budget budget;
        boolean closeIssue;
        int ciFixAttempts;
        String setup;
        boolean autoResolve;

        Builder(RepoConfig d) {
            this.d = d;
            triggerLabel = d.triggerLabel();
            maxParallel = d.maxParallel();
            branchPrefix = d.branchPrefix();
            base = d.base();
            permission = d.permission();
            requireCodeOwners = d.requireCodeOwners();
            agent = d.agent();
            verify = d.verify();
            verifyTimeout = d.verifyTimeout();
            draftOnFailure = d.draftOnFailure();
            deleteBranchOnMerge = d.deleteBranchOnMerge();
            maxTasks = d.maxTasks();
            measure = d.measure();
            budget = d.budget();
            closeIssue = d.closeIssue();
            ciFixAttempts = d.ciFixAttempts();
            setup = d.setup();
            autoResolve = d.autoResolve();
        }

        String describeDefault(String key) {
            Object v = switch (key) {
                case "trigger_label" -> d.triggerLabel();
                case "max_parallel" -> d.maxParallel();
                case "branch_prefix" -> d.branchPrefix();
                case "base" -> d.base() == null ? "the default branch" : d.base();
                case "permission" -> d.permission();
                case "require_code_owners" -> d.requireCodeOwners();
                case "agent" -> d.agent();
                case "verify" -> d.verify() == null ? "none" : d.verify();
                case "verify_timeout" -> Durations.format(d.verifyTimeout());
                case "draft_on_failure" -> d.draftOnFailure();
                case "delete_branch_on_merge" -> d.deleteBranchOnMerge();
                case "max_tasks" -> d.maxTasks();
                case "measure" -> d.measure() == null ? "none" : d.measure();
                case "budget" -> "none";
                case "close_issue" -> d.closeIssue();
                case "ci_fix_attempts" -> d.ciFixAttempts();
                case "setup" -> d.setup() == null ? "none" : d.setup();
                case "auto_resolve" -> d.autoResolve();
                default -> "?";
            };
            return "`" + v + "`";
        }

        String set(String key, JsonNode v, Set<String> agents) {
            switch (key) {
                case "trigger_label" -> {
                    if (!v.isTextual() || !LABEL.matcher(v.asText().strip()).matches()) return "must be a label name";
                    triggerLabel = v.asText().strip();
                }
                case "max_parallel" -> {
                    if (!v.isInt() || v.asInt() < 1 || v.asInt() > MAX_PARALLEL_LIMIT) {
                        return "must be a whole number from 1 to " + MAX_PARALLEL_LIMIT;
                    }
                    maxParallel = v.asInt();
                }
                case "branch_prefix" -> {
                    if (!v.isTextual() || !PREFIX.matcher(v.asText()).matches()) {
                        return "must be `grove/` or a folder under it such as `grove/bots/` (Grove pushes only under grove/)";
                    }
                    branchPrefix = v.asText();
                }
                case "base" -> {
                    if (!v.isTextual() || !BRANCH.matcher(v.asText()).matches() || v.asText().contains("..")) {
                        return "must be a branch name";
                    }
                    base = v.asText();
                }
                case "permission" -> {
                    if (!v.isTextual() || !List.of("write", "maintain", "admin").contains(v.asText())) {
                        return "must be one of write, maintain, admin";
                    }
                    permission = v.asText();
                }
                case "require_code_owners" -> {
                    if (!v.isBoolean()) return "must be true or false";
                    requireCodeOwners = v.asBoolean();
                }
                case "agent" -> {
                    if (!v.isTextual() || !agents.contains(v.asText())) {
                        return "must name one of the agents this server defines (" + String.join(", ", new TreeSet<>(agents))
                                + "); a repository cannot name a command";
                    }
                    agent = v.asText();
                }
                case "verify" -> {
                    if (v.isNull()) {
                        verify = null;
                    } else if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 1000) {
                        return "must be a shell command, e.g. `mvn -q test`";
                    } else {
                        verify = v.asText().strip();
                    }
                }
                case "verify_timeout" -> {
                    try {
                        Duration t = Durations.parse(v.asText());
                        if (t.isZero() || t.isNegative() || t.compareTo(Duration.ofHours(2)) > 0) {
                            return "must be between 1s and 2h";
                        }
                        verifyTimeout = t;
                    } catch (IllegalArgumentException e) {
                        return "must be a duration such as `90s` or `10m`";
                    }
                }
                case "draft_on_failure" -> {
                    if (!v.isBoolean()) return "must be true or false";
                    draftOnFailure = v.asBoolean();
                }
                case "delete_branch_on_merge" -> {
                    if (!v.isBoolean()) return "must be true or false";
                    deleteBranchOnMerge = v.asBoolean();
                }
                case "close_issue" -> {
                    if (!v.isBoolean()) return "must be true or false";
                    closeIssue = v.asBoolean();
                }
                case "auto_resolve" -> {
                    if (!v.isBoolean()) return "must be true or false";
                    autoResolve = v.asBoolean();
                }
                case "budget" -> {
                    return budget(v);
                }
                case "ci_fix_attempts" -> {
                    if (!v.isInt() || v.asInt() < 0 || v.asInt() > CI_FIX_ATTEMPTS_LIMIT) {
                        return "must be a whole number from 0 (never) to " + CI_FIX_ATTEMPTS_LIMIT;
                    }
                    ciFixAttempts = v.asInt();
                }
                case "max_tasks" -> {
                    if (!v.isInt() || v.asInt() < 1 || v.asInt() > MAX_TASKS_LIMIT) {
                        return "must be a whole number from 1 to " + MAX_TASKS_LIMIT;
                    }
                    maxTasks = v.asInt();
                }
                case "measure" -> {
                    if (v.isNull()) {
                        measure = null;
                    } else if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 1000) {
                        return "must be a shell command whose last line of output is a number, e.g. `./bench.sh`";
                    } else {
                        measure = v.asText().strip();
                    }
                }
                case "setup" -> {
                    if (v.isNull()) {
                        setup = null;
                    } else if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 1000) {
                        return "must be a shell command, e.g. `npm ci`";
                    } else {
                        setup = v.asText().strip();
                    }
                }
                default -> {
                    return "unknown";
                }
            }
            return null;
        }

        /** {@code budget: {per_task_usd, per_issue_usd, agent_minutes}}, every key optional, every value positive. */
        String budget(JsonNode v) {
            if (!v.isObject()) {
                return "must be a mapping such as `{ per_task_usd: 5, per_issue_usd: 20, agent_minutes: 120 }`";
            }
            Double perTask = null;
            Double perIssue = null;
            Duration time = null;
            for (var it = v.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode n = e.getValue();
                switch (e.getKey()) {
                    case "per_task_usd", "per_issue_usd" -> {
                        if (!n.isNumber() || n.asDouble() <= 0 || n.asDouble() > 10_000) {
                            return "`" + e.getKey() + "` must be a number of dollars above 0";
                        }
                        if (e.getKey().equals("per_task_usd")) perTask = n.asDouble();
                        else perIssue = n.asDouble();
                    }
                    case "agent_minutes" -> {
                        if (!n.isInt() || n.asInt() <= 0) return "`agent_minutes` must be a whole number above 0";
                        time = Duration.ofMinutes(n.asInt());
                    }
                    default -> {
                        return "has an unknown key `" + e.getKey() + "` (known: per_task_usd, per_issue_usd, agent_minutes)";
                    }
                }
            }
            budget = new RepoConfig.Budget(perTask, perIssue, time);
            return null;
        }

        RepoConfig build() {
            return new RepoConfig(triggerLabel, maxParallel, branchPrefix, base, permission, requireCodeOwners, agent,
                    verify, verifyTimeout, draftOnFailure, deleteBranchOnMerge, maxTasks, measure, budget, closeIssue,
                    ciFixAttempts, setup, autoResolve);
        }
    }
}
