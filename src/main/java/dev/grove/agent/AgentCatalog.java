package dev.grove.agent;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agents this server offers, by name; the pipeline asks it for the agent a repository's config names, else
 * {@link #defaultName()}. Built from {@code GROVE_AGENTS_FILE}, or, without it, one {@code command} agent named
 * {@code default} from {@code GROVE_AGENT_COMMAND}. Each agent gets only its own pass-through variables.
 */
public final class AgentCatalog {
    public static final String FALLBACK_NAME = "default";

    private final String defaultName;
    private final Map<String, AgentDefinition> definitions;
    private final Map<String, AgentRunner> runners;

    private AgentCatalog(String defaultName, Map<String, AgentDefinition> definitions, Map<String, AgentRunner> runners) {
        this.defaultName = defaultName;
        this.definitions = Collections.unmodifiableMap(new LinkedHashMap<>(definitions));
        this.runners = Collections.unmodifiableMap(new LinkedHashMap<>(runners));
    }

    /** Runners for every definition, taking allowed variables from {@code serverEnv}. */
    public static AgentCatalog of(AgentsFile.Agents agents, Map<String, String> serverEnv) {
        Map<String, AgentRunner> runners = new LinkedHashMap<>();
        for (AgentDefinition d : agents.agents().values()) {
            runners.put(d.name(), runnerFor(d, serverEnv));
        }
        return new AgentCatalog(agents.defaultName(), agents.agents(), runners);
    }

    /** The slice's setting: one command agent, {@code sh -c command}, with {@code env} passed through. */
    public static AgentCatalog fromCommand(String shellCommand, List<String> env, Map<String, String> serverEnv) {
        AgentDefinition d = AgentDefinition.command(FALLBACK_NAME, shellCommand, env, null);
        return new AgentCatalog(FALLBACK_NAME, Map.of(FALLBACK_NAME, d),
                Map.of(FALLBACK_NAME, new ProcessAgentRunner(shellCommand, serverEnv, env)));
    }

    /** One ready-made runner under the name {@code default} (the demo, tests). */
    public static AgentCatalog single(AgentRunner runner) {
        AgentDefinition d = AgentDefinition.command(FALLBACK_NAME, "(in-process)", List.of(), null);
        return new AgentCatalog(FALLBACK_NAME, Map.of(FALLBACK_NAME, d), Map.of(FALLBACK_NAME, runner));
    }

    /** The same agents, each runner wrapped by {@code decorate} (metrics, logging). */
    public AgentCatalog decorated(java.util.function.UnaryOperator<AgentRunner> decorate) {
        Map<String, AgentRunner> wrapped = new LinkedHashMap<>();
        runners.forEach((name, r) -> wrapped.put(name, decorate.apply(r)));
        return new AgentCatalog(defaultName, definitions, wrapped);
    }

    static AgentRunner runnerFor(AgentDefinition d, Map<String, String> serverEnv) {
        return switch (d.kind()) {
            case COMMAND -> new ProcessAgentRunner(shellLine(d.command(), d.args()), serverEnv, d.env(), d.network(),
                    "agent");
            case CLAUDE_CODE -> new ClaudeCodeAgentRunner(d, new AgentEnvironment(serverEnv, d.env()));
        };
    }

    /** The program and its arguments, each quoted for {@code sh -c}. */
    static String shellLine(String command, List<String> args) {
        StringBuilder sb = new StringBuilder(quote(command));
        args.forEach(a -> sb.append(' ').append(quote(a)));
        return sb.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public Set<String> names() {
        return definitions.keySet();
    }

    public String defaultName() {
        return defaultName;
    }

    /**
     * @throws IllegalArgumentException naming the agents there are, if {@code name} is not one of them
     */
    public AgentRunner get(String name) {
        AgentRunner r = runners.get(name);
        if (r == null) {
            throw new IllegalArgumentException("this Grove server offers no agent named `" + name + "`; it offers "
                    + String.join(", ", names()) + " (set `agent:` in .github/grove.yml to one of them)");
        }
        return r;
    }

    public AgentDefinition definition(String name) {
        get(name);
        return definitions.get(name);
    }

    /** The agent's own timeout, if its definition sets one. */
    public Optional<Duration> timeoutOf(String name) {
        return Optional.ofNullable(definition(name).timeout());
    }
}
