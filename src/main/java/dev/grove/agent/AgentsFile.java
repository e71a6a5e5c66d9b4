package dev.grove.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.grove.model.Durations;
import dev.grove.sandbox.NetworkPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code GROVE_AGENTS_FILE}:
 * <pre>
 * default: claude
 * agents:
 *   claude: {kind: claude-code, command: claude, args: [...], env: [ANTHROPIC_API_KEY], timeout: 30m,
 *            max_turns: 40, max_budget_usd: 5, allowed_tools: [Read, Write, Edit],
 *            network: allow, allow: [api.anthropic.com]}
 *   script: {kind: command, command: /opt/agents/fix.sh}
 * </pre>
 * Every problem is an {@link AgentsFileException} naming the file and the line; unknown keys are problems too, so a
 * typo never silently drops a limit.
 */
public final class AgentsFile {
    private static final Set<String> TOP_KEYS = Set.of("default", "agents");
    private static final Set<String> AGENT_KEYS = Set.of("kind", "command", "args", "env", "timeout", "max_turns",
            "max_budget_usd", "allowed_tools", "network", "allow");
    private static final Set<String> CLAUDE_ONLY = Set.of("max_turns", "max_budget_usd", "allowed_tools");

    /** What the file defines, in file order. */
    public record Agents(String defaultName, Map<String, AgentDefinition> agents) {
    }

    /** A bad agents file; the message names the file and line and says what to change. */
    public static final class AgentsFileException extends IllegalArgumentException {
        AgentsFileException(String message) {
            super(message);
        }
    }

    private AgentsFile() {
    }

    public static Agents read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new AgentsFileException("GROVE_AGENTS_FILE names " + file + ", which cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static Agents parse(String yaml, String source) {
        Node root;
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new AgentsFileException(source + ": the file is empty; define `agents:` (see README, \"Agents\")");
            }
            root = read(p, source);
        } catch (AgentsFileException e) {
            throw e;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 0;
            throw new AgentsFileException(source + (line > 0 ? " line " + line : "") + ": not valid YAML: " + msg);
        }
        return interpret(root, source);
    }

    private static Agents interpret(Node root, String src) {
        Map<String, Node> top = root.map(src, "the file must be a mapping with `default:` and `agents:`");
        unknownKeys(top, TOP_KEYS, src, "top level");
        Node agentsNode = top.get("agents");
        if (agentsNode == null) {
            throw problem(src, root.line, "no `agents:` mapping; define at least one agent");
        }
        Map<String, Node> agentNodes = agentsNode.map(src, "`agents:` must map agent names to their definitions");
        if (agentNodes.isEmpty()) {
            throw problem(src, agentsNode.line, "`agents:` is empty; define at least one agent");
        }
        Map<String, AgentDefinition> agents = new LinkedHashMap<>();
        for (var e : agentNodes.entrySet()) {
            agents.put(e.getKey(), agent(e.getKey(), e.getValue(), src));
        }
        String dflt;
        Node d = top.get("default");
        if (d == null) {
            if (agents.size() > 1) {
                throw problem(src, root.line, "several agents but no `default:`; add `default: <one of "
                        + String.join(", ", agents.keySet()) + ">`");
            }
            dflt = agents.keySet().iterator().next();
        } else {
            dflt = d.text(src, "default");
            if (!agents.containsKey(dflt)) {
                throw problem(src, d.line, "`default: " + dflt + "` names no agent; use one of "
                        + String.join(", ", agents.keySet()));
            }
        }
        return new Agents(dflt, agents);
    }

    private static AgentDefinition agent(String name, Node node, String src) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw problem(src, node.keyLine, "agent name `" + name + "`: use letters, digits, '-', '_' or '.'");
        }
        Map<String, Node> f = node.map(src, "agent `" + name + "` must be a mapping (kind, command, ...)");
        unknownKeys(f, AGENT_KEYS, src, "agent `" + name + "`");
        Node kindNode = f.get("kind");
        if (kindNode == null) {
            throw problem(src, node.keyLine, "agent `" + name + "` has no `kind:`; use `claude-code` or `command`");
        }
        AgentDefinition.Kind kind = AgentDefinition.Kind.of(kindNode.text(src, "kind"));
        if (kind == null) {
            throw problem(src, kindNode.line, "agent `" + name + "`: unknown kind `" + kindNode.value
                    + "`; use `claude-code` or `command`");
        }
        if (kind == AgentDefinition.Kind.COMMAND) {
            for (String k : CLAUDE_ONLY) {
                if (f.containsKey(k)) {
                    throw problem(src, f.get(k).line, "agent `" + name + "`: `" + k
                            + "` applies to kind claude-code only; remove it (a command agent keeps its own limits)");
                }
            }
        }
        String command;
        if (f.containsKey("command")) {
            command = f.get("command").text(src, "command");
            if (command.isBlank()) throw problem(src, f.get("command").line, "agent `" + name + "`: `command:` is empty");
        } else if (kind == AgentDefinition.Kind.CLAUDE_CODE) {
            command = "claude";
        } else {
            throw problem(src, node.keyLine, "agent `" + name + "` has no `command:`; name the program to run");
        }
        List<String> args = f.containsKey("args") ? f.get("args").strings(src, "args") : List.of();
        List<String> env = f.containsKey("env") ? f.get("env").strings(src, "env") : List.of();
        for (String v : env) {
            if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw problem(src, f.get("env").line, "agent `" + name + "`: `" + v + "` is not a variable name");
            }
        }
        try {
            new AgentEnvironment(Map.of(), env);
        } catch (IllegalArgumentException e) {
            throw problem(src, f.get("env").line, "agent `" + name + "`: " + e.getMessage());
        }
        Duration timeout = null;
        if (f.containsKey("timeout")) {
            try {
                timeout = Durations.parse(f.get("timeout").text(src, "timeout"));
            } catch (IllegalArgumentException e) {
                throw problem(src, f.get("timeout").line, "agent `" + name + "` timeout: " + e.getMessage());
            }
        }
        Integer maxTurns = null;
        if (f.containsKey("max_turns")) {
            Node n = f.get("max_turns");
            try {
                maxTurns = Integer.parseInt(n.text(src, "max_turns").trim());
            } catch (NumberFormatException e) {
                maxTurns = -1;
            }
            if (maxTurns < 1) throw problem(src, n.line, "agent `" + name + "`: max_turns must be a whole number ≥ 1");
        }
        Double budget = null;
        if (f.containsKey("max_budget_usd")) {
            Node n = f.get("max_budget_usd");
            try {
                budget = Double.parseDouble(n.text(src, "max_budget_usd").trim());
            } catch (NumberFormatException e) {
                budget = -1.0;
            }
            if (!(budget > 0)) throw problem(src, n.line, "agent `" + name + "`: max_budget_usd must be a number of dollars > 0");
        }
        List<String> tools = f.containsKey("allowed_tools") ? f.get("allowed_tools").strings(src, "allowed_tools") : List.of();
        return new AgentDefinition(name, kind, command, args, env, timeout, maxTurns, budget, tools,
                network(f, name, src));
    }

    /**
     * {@code network: none | allow | open} and {@code allow: [host, host:port]}. Absent: null (the kind's default).
     * {@code allow:} without {@code network:} means {@code network: allow}; {@code open} and {@code none} take no list.
     */
    private static NetworkPolicy network(Map<String, Node> f, String name, String src) {
        Node modeNode = f.get("network");
        Node allowNode = f.get("allow");
        if (modeNode == null && allowNode == null) return null;
        NetworkPolicy.Mode mode = NetworkPolicy.Mode.ALLOW;
        if (modeNode != null) {
            mode = NetworkPolicy.Mode.of(modeNode.text(src, "network").trim());
            if (mode == null) {
                throw problem(src, modeNode.line, "agent `" + name + "`: network must be `none`, `allow` or `open`, not `"
                        + modeNode.value + "`");
            }
        }
        List<String> hosts = allowNode == null ? List.of() : allowNode.strings(src, "allow");
        if (mode != NetworkPolicy.Mode.ALLOW && allowNode != null) {
            throw problem(src, allowNode.line, "agent `" + name + "`: `allow:` goes with `network: allow`, not `"
                    + mode.word() + "`; remove one of them");
        }
        if (mode == NetworkPolicy.Mode.ALLOW && allowNode == null) {
            throw problem(src, modeNode.line, "agent `" + name + "`: `network: allow` needs `allow: [host, ...]` "
                    + "(e.g. api.anthropic.com); leave both out for the default (the Anthropic API's host)");
        }
        for (String h : hosts) {
            if (!h.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw problem(src, allowNode.line, "agent `" + name + "`: `" + h + "` is not a host or host:port");
            }
        }
        return new NetworkPolicy(mode, hosts);
    }

    private static void unknownKeys(Map<String, Node> m, Set<String> known, String src, String where) {
        for (var e : m.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw problem(src, e.getValue().keyLine, where + ": unknown key `" + e.getKey() + "`; known keys: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    static AgentsFileException problem(String src, int line, String what) {
        return new AgentsFileException(src + " line " + line + ": " + what);
    }

    /** A YAML value with the line it starts on; {@code keyLine} is the line of the key that holds it. */
    private static final class Node {
        final Object value; // String, Map<String, Node>, List<Node>, or null
        final int line;
        int keyLine;

        Node(Object value, int line) {
            this.value = value;
            this.line = line;
            this.keyLine = line;
        }

        @SuppressWarnings("unchecked")
        Map<String, Node> map(String src, String what) {
            if (!(value instanceof Map)) throw problem(src, line, what);
            return (Map<String, Node>) value;
        }

        String text(String src, String key) {
            if (!(value instanceof String s)) throw problem(src, line, "`" + key + "` must be a single value");
            return s;
        }

        @SuppressWarnings("unchecked")
        List<String> strings(String src, String key) {
            if (!(value instanceof List)) throw problem(src, line, "`" + key + "` must be a list, e.g. [a, b]");
            List<String> out = new ArrayList<>();
            for (Node n : (List<Node>) value) {
                out.add(n.text(src, key + "` item `"));
            }
            return out;
        }
    }

    /** Reads the value at the current token. */
    private static Node read(JsonParser p, String src) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                Node v = read(p, src);
                v.keyLine = keyLine;
                if (m.put(key, v) != null) {
                    throw problem(src, keyLine, "`" + key + "` appears twice; keep one");
                }
            }
            return new Node(m, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(read(p, src));
            }
            return new Node(l, line);
        }
        if (t == JsonToken.VALUE_NULL) {
            return new Node(null, line);
        }
        return new Node(p.getText(), line);
    }
}
