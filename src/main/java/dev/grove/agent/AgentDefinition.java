package dev.grove.agent;

import dev.grove.sandbox.NetworkPolicy;
import java.time.Duration;
import java.util.List;

/**
 * One agent the server offers, as {@code GROVE_AGENTS_FILE} defines it. {@code timeout} null: the server's
 * {@code GROVE_AGENT_TIMEOUT}. {@code maxTurns}, {@code maxBudgetUsd} and {@code allowedTools} are for
 * {@code claude-code} only (null / empty: the CLI's own defaults). {@code network} null: {@code allow} with the
 * Anthropic API's host (or ANTHROPIC_BASE_URL's), for both kinds.
 */
public record AgentDefinition(String name, Kind kind, String command, List<String> args, List<String> env,
        Duration timeout, Integer maxTurns, Double maxBudgetUsd, List<String> allowedTools, NetworkPolicy network) {

    /** Without a network policy of its own: the kind's default (see {@link NetworkPolicy#anthropicDefault}). */
    public AgentDefinition(String name, Kind kind, String command, List<String> args, List<String> env,
            Duration timeout, Integer maxTurns, Double maxBudgetUsd, List<String> allowedTools) {
        this(name, kind, command, args, env, timeout, maxTurns, maxBudgetUsd, allowedTools, null);
    }

    public AgentDefinition {
        args = List.copyOf(args == null ? List.of() : args);
        env = List.copyOf(env == null ? List.of() : env);
        allowedTools = List.copyOf(allowedTools == null ? List.of() : allowedTools);
    }

    public enum Kind {
        COMMAND("command"), CLAUDE_CODE("claude-code");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        static Kind of(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word)) return k;
            }
            return null;
        }
    }

    /** The slice's single agent: {@code GROVE_AGENT_COMMAND} run with {@code sh -c}. */
    public static AgentDefinition command(String name, String shellCommand, List<String> env, Duration timeout) {
        return new AgentDefinition(name, Kind.COMMAND, shellCommand, List.of(), env, timeout, null, null, List.of());
    }
}
