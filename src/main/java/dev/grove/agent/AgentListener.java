package dev.grove.agent;

/**
 * Hears what an agent is doing while it runs. Called on the agent's output thread; implementations must be quick
 * and must not throw (a throw is caught and ignored).
 */
@FunctionalInterface
public interface AgentListener {
    AgentListener NONE = line -> { };

    /** A short human line, e.g. "editing src/auth/Jwt.java" or "running mvn test". */
    void progress(String line);
}
