package dev.grove.agent;

import dev.grove.model.Durations;
import dev.grove.model.Money;
import dev.grove.sandbox.NetworkPolicy;
import dev.grove.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code claude-code} agent kind: the real {@code claude} CLI, headless, in the worktree, as a
 * sandboxed process ({@link dev.grove.sandbox.Sandbox}, with the agent's network policy: by default only the API
 * host) with an {@link AgentEnvironment} built from this agent's own allow-list:
 * <pre>
 * claude [args] -p --output-format stream-json --verbose --permission-mode acceptEdits
 *        [--max-turns N] [--max-budget-usd X] [--allowedTools a,b] --append-system-prompt "task, paths, do not push"
 * </pre>
 * with the prompt on stdin. Each task gets its own {@code CLAUDE_CONFIG_DIR} (in the task folder), where the CLI keeps
 * its sessions, so a revise can {@code --resume} the task's conversation. {@code acceptEdits} lets it edit files
 * without asking and works as root (where {@code --dangerously-skip-permissions} refuses to start); shell commands
 * need {@code allowed_tools} such as {@code Bash(mvn test:*)}.
 */
public final class ClaudeCodeAgentRunner implements AgentRunner {
    static final String CONFIG_DIR_NAME = "claude-config";

    private final AgentDefinition definition;
    private final AgentEnvironment environment;

    public ClaudeCodeAgentRunner(AgentDefinition definition, AgentEnvironment environment) {
        this.definition = definition;
        this.environment = environment;
    }

    @Override
    public AgentOutcome run(AgentRequest request) {
        return start(request, null);
    }

    @Override
    public AgentOutcome revise(AgentRequest request, String sessionId, String freshStartPrompt) {
        if (sessionId != null && sessionExists(configDir(request), sessionId)) {
            AgentOutcome resumed = start(request, sessionId);
            boolean sessionGone = resumed instanceof AgentOutcome.Failed && resumed.report().turns() == null
                    && resumed.outputTail().toLowerCase(Locale.ROOT).contains("no conversation found");
            if (!sessionGone) {
                return resumed;
            }
        }
        return start(request.withPrompt(freshStartPrompt), null);
    }

    /** The agent's own policy, else {@code allow} with the API host (ANTHROPIC_BASE_URL's host when it is passed). */
    NetworkPolicy network() {
        if (definition.network() != null) return definition.network();
        return NetworkPolicy.anthropicDefault(environment.build(Map.of()).get("ANTHROPIC_BASE_URL"));
    }

    static Path configDir(AgentRequest request) {
        return request.taskDir().resolve(CONFIG_DIR_NAME);
    }

    /** The CLI keeps a session as {@code projects/<folder>/<session id>.jsonl} under its config folder. */
    static boolean sessionExists(Path configDir, String sessionId) {
        Path projects = configDir.resolve("projects");
        if (!Files.isDirectory(projects)) return false;
        try (Stream<Path> files = Files.walk(projects, 2)) {
            return files.anyMatch(f -> f.getFileName().toString().equals(sessionId + ".jsonl"));
        } catch (IOException e) {
            return false;
        }
    }

    List<String> command(AgentRequest request, String resumeSession) {
        List<String> argv = new ArrayList<>();
        argv.add(definition.command());
        argv.addAll(definition.args());
        argv.addAll(List.of("-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits"));
        if (definition.maxTurns() != null) {
            argv.addAll(List.of("--max-turns", String.valueOf(definition.maxTurns())));
        }
        Double budget = budget(request);
        if (budget != null) {
            argv.addAll(List.of("--max-budget-usd", String.format(Locale.ROOT, "%.4f", budget)));
        }
        if (!definition.allowedTools().isEmpty()) {
            argv.addAll(List.of("--allowedTools", String.join(",", definition.allowedTools())));
        }
        if (resumeSession != null) {
            argv.addAll(List.of("--resume", resumeSession));
        }
        argv.addAll(List.of("--append-system-prompt", systemPrompt(request)));
        return argv;
    }

    /** The lower of this agent's ceiling and what the request may still spend; null: no ceiling. */
    Double budget(AgentRequest request) {
        Double a = definition.maxBudgetUsd();
        Double b = request.maxCostUsd();
        if (a == null) return b;
        if (b == null) return a;
        return Math.min(a, b);
    }

    static String systemPrompt(AgentRequest request) {
        Map<String, String> t = request.taskEnv() == null ? Map.of() : request.taskEnv();
        StringBuilder sb = new StringBuilder("You are run by Grove, headless, for one task");
        if (t.get("GROVE_TASK_TITLE") != null) sb.append(": \"").append(t.get("GROVE_TASK_TITLE")).append('"');
        if (t.get("GROVE_ISSUE_NUMBER") != null) sb.append(" of issue #").append(t.get("GROVE_ISSUE_NUMBER"));
        if (t.get("GROVE_REPOSITORY") != null) sb.append(" in ").append(t.get("GROVE_REPOSITORY"));
        sb.append(". The current directory is the task's own git worktree; work only inside it.");
        String paths = t.get("GROVE_TASK_PATHS");
        if (paths != null && !paths.isBlank()) {
            sb.append(" Change only files matching: ").append(paths).append('.');
        }
        sb.append(" Grove commits and pushes your changes and opens the pull request: do not commit, do not push,"
                + " do not switch or create branches. When you are done, answer with a short summary of what you changed.");
        return sb.toString();
    }

    Map<String, String> environmentFor(AgentRequest request, Path configDir) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (request.taskEnv() != null) extra.putAll(request.taskEnv());
        extra.put("GROVE_PROMPT_FILE", request.promptFile().toAbsolutePath().toString());
        extra.put("CLAUDE_CONFIG_DIR", configDir.toAbsolutePath().toString());
        extra.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        extra.put("DISABLE_TELEMETRY", "1");
        extra.put("DISABLE_AUTOUPDATER", "1");
        return environment.build(extra);
    }

    private AgentOutcome start(AgentRequest request, String resumeSession) {
        Path configDir = configDir(request);
        byte[] prompt = (request.prompt() == null ? "" : request.prompt()).getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(configDir);
            Files.createDirectories(request.promptFile().toAbsolutePath().getParent());
            Files.write(request.promptFile(), prompt);
        } catch (IOException e) {
            return new AgentOutcome.Failed("could not prepare Claude Code's files: " + e, "", Duration.ZERO);
        }
        Map<String, String> env = environmentFor(request, configDir);
        if (!isExecutable(definition.command(), env.get("PATH"))) {
            return new AgentOutcome.Failed("could not start Claude Code: `" + definition.command() + "` is not an "
                    + "executable file or a command on the agent's PATH; install it on the runner (see README, "
                    + "\"Claude Code on the runner\")", "", Duration.ZERO);
        }
        StreamJsonReader events = new StreamJsonReader(request.workDir(), request.listener()::progress);
        Sandbox.Result r = AgentLaunch.run("agent", command(request, resumeSession), request, env, prompt,
                events::accept, network(), AgentLaunch.install(Path.of(definition.command())), List.of(configDir));
        AgentReport report = events.report(configDir.toString());
        String summary = events.resultText() == null ? "" : events.resultText();
        return switch (r.ending()) {
            case NOT_STARTED -> new AgentOutcome.Failed("could not start Claude Code (" + definition.command() + "): "
                    + r.problem() + "; install it on the runner (see README, \"Claude Code\")", "", r.elapsed(), report);
            case INTERRUPTED -> new AgentOutcome.Failed("interrupted while Claude Code ran; it was stopped",
                    events.plainTail(), r.elapsed(), report);
            case TIMED_OUT -> new AgentOutcome.TimedOut(request.timeout(), events.plainTail(), r.elapsed(), report);
            case CANCELLED -> new AgentOutcome.Cancelled(request.cancel().reason(), events.plainTail(), r.elapsed(), report);
            case EXITED -> exited(r, events, report, summary, request);
        };
    }

    private AgentOutcome exited(Sandbox.Result r, StreamJsonReader events, AgentReport report, String summary,
            AgentRequest request) {
        if (r.exitCode() == 0 && events.hasResult() && !events.isError()) {
            return new AgentOutcome.Finished(summary, r.elapsed(), report);
        }
        String reason;
        if (!events.hasResult()) {
            String said = events.plainTail().isBlank() ? "" : ": " + lastMessage(events.plainTail());
            reason = "Claude Code exited with code " + r.exitCode() + " before its result" + said;
            return new AgentOutcome.Failed(reason, events.plainTail(), r.elapsed(), report);
        }
        String subtype = events.subtype() == null ? "" : events.subtype();
        if (subtype.equals("error_max_turns")) {
            reason = "Claude Code stopped at its limit of " + definition.maxTurns() + " turns (max_turns) before it finished";
        } else if (subtype.contains("budget")) {
            reason = "Claude Code stopped at its cost ceiling of " + Money.usd(budget(request))
                    + " (max_budget_usd, or what was left of the issue's budget)";
        } else {
            reason = "Claude Code reported an error" + (subtype.isEmpty() || subtype.equals("success") ? "" : " (" + subtype + ")")
                    + (summary.isBlank() ? "" : ": " + lastLine(summary));
        }
        if (r.exitCode() != 0) {
            reason += " (exit code " + r.exitCode() + ")";
        }
        return new AgentOutcome.Failed(reason, summary.isBlank() ? events.plainTail() : summary, r.elapsed(), report);
    }

    /**
     * What the CLI last said in words: its last line that is not a cut-off stream-json fragment (a line starting with
     * a brace), else its last line.
     */
    static String lastMessage(String plainTail) {
        List<String> lines = plainTail.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).startsWith("{")) return lastLine(lines.get(i));
        }
        return lastLine(plainTail);
    }

    /** {@code command} names an executable file, or a program found on {@code path} (a command with no slash). */
    static boolean isExecutable(String command, String path) {
        if (command.contains("/")) return Files.isExecutable(Path.of(command));
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }

    private static String lastLine(String s) {
        String l = s.strip().lines().reduce((a, b) -> b).orElse("");
        return l.length() > 300 ? l.substring(0, 300) + "…" : l;
    }

    @Override
    public String toString() {
        return "claude-code agent `" + definition.name() + "` (" + definition.command() + ", timeout "
                + Durations.format(definition.timeout()) + ")";
    }
}
