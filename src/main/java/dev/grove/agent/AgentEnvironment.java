package dev.grove.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent's whole environment, built from an allow-list: PATH, HOME, LANG, LC_ALL, TZ, TMPDIR, USER, the agent's own
 * pass-through variables (e.g. its API key, listed only on that agent's definition), and the variables Grove sets for
 * the task. Nothing else from the server's environment reaches an agent; Grove's own secrets can never be listed.
 */
public final class AgentEnvironment {
    private static final List<String> ALWAYS_PASSED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER");
    private static final Set<String> NEVER_PASSED = Set.of("GROVE_WEBHOOK_SECRET", "GROVE_PRIVATE_KEY_FILE",
            "GROVE_DB_URL", "GROVE_APP_ID");

    private final Map<String, String> base;
    private final List<String> passThrough;

    /**
     * @param base        where allowed variables are taken from (normally the server's environment)
     * @param passThrough further variable names this agent needs (e.g. {@code ANTHROPIC_API_KEY})
     * @throws IllegalArgumentException if a pass-through variable is one of Grove's own secrets
     */
    public AgentEnvironment(Map<String, String> base, List<String> passThrough) {
        this.base = Map.copyOf(base);
        this.passThrough = List.copyOf(passThrough);
        for (String name : this.passThrough) {
            if (NEVER_PASSED.contains(name)) {
                throw new IllegalArgumentException(name + " is one of Grove's own secrets and is never passed to an "
                        + "agent; remove it from the agent's env list");
            }
        }
    }

    public List<String> passThrough() {
        return passThrough;
    }

    /** The allow-listed variables, then {@code extra} (the task's own) on top. */
    public Map<String, String> build(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : ALWAYS_PASSED) {
            copy(name, env);
        }
        for (String name : passThrough) {
            copy(name, env);
        }
        if (extra != null) {
            env.putAll(extra);
        }
        return env;
    }

    private void copy(String name, Map<String, String> env) {
        String value = base.get(name);
        if (value != null) {
            env.put(name, value);
        }
    }
}
