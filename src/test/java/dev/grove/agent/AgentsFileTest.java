package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentsFileTest {
    static final String GOOD = """
            default: claude
            agents:
              claude:
                kind: claude-code          # the adapter
                command: claude
                args: [--model, claude-sonnet-4-5]
                env: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL]
                timeout: 30m
                max_turns: 40
                max_budget_usd: 5
                allowed_tools: [Read, Write, Edit, "Bash(mvn test:*)"]
              script:
                kind: command
                command: /opt/agents/fix.sh
            """;

    @Test
    void readsTheIssuesExample() {
        AgentsFile.Agents a = AgentsFile.parse(GOOD, "agents.yml");
        assertEquals("claude", a.defaultName());
        assertEquals(List.of("claude", "script"), List.copyOf(a.agents().keySet()));
        AgentDefinition c = a.agents().get("claude");
        assertEquals(AgentDefinition.Kind.CLAUDE_CODE, c.kind());
        assertEquals(List.of("--model", "claude-sonnet-4-5"), c.args());
        assertEquals(List.of("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"), c.env());
        assertEquals(Duration.ofMinutes(30), c.timeout());
        assertEquals(40, c.maxTurns());
        assertEquals(5.0, c.maxBudgetUsd());
        assertEquals(List.of("Read", "Write", "Edit", "Bash(mvn test:*)"), c.allowedTools());
        AgentDefinition s = a.agents().get("script");
        assertEquals(AgentDefinition.Kind.COMMAND, s.kind());
        assertEquals(List.of(), s.env(), "no pass-through unless listed");
        assertEquals(null, s.timeout());
    }

    @Test
    void aSingleAgentIsTheDefaultAndClaudeIsTheDefaultCommand() {
        AgentsFile.Agents a = AgentsFile.parse("agents:\n  c:\n    kind: claude-code\n", "f");
        assertEquals("c", a.defaultName());
        assertEquals("claude", a.agents().get("c").command());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "agents:\\n  a:\\n    kind: codex\\n|line 3|unknown kind `codex`",
            "agents:\\n  a:\\n    kind: command\\n    comand: x\\n|line 4|unknown key `comand`",
            "default: b\\nagents:\\n  a:\\n    kind: command\\n    command: x\\n|line 1|`default: b` names no agent",
            "agents:\\n  a:\\n    kind: command\\n    command: x\\n    max_turns: 3\\n|line 5|claude-code only",
            "agents:\\n  a:\\n    kind: claude-code\\n    env: [GROVE_WEBHOOK_SECRET]\\n|line 4|one of Grove's own secrets",
            "agents:\\n  a:\\n    kind: claude-code\\n    timeout: soon\\n|line 4|not a duration",
            "agents:\\n  a:\\n    kind: claude-code\\n    max_budget_usd: -1\\n|line 4|max_budget_usd",
            "agents:\\n  a:\\n    kind: command\\n|line 2|has no `command:`",
            "agents:\\n  a:\\n    kind: [x\\n|line 3|not valid YAML",
            "agents:\\n  a:\\n    kind: command\\n    command: x\\n  b:\\n    kind: command\\n    command: y\\n|line 1|no `default:`",
            "agent:\\n  a: {}\\n|line 1|unknown key `agent`",
    })
    void aBadFileIsRefusedNamingTheLine(String yaml, String line, String says) {
        var e = assertThrows(AgentsFile.AgentsFileException.class,
                () -> AgentsFile.parse(yaml.replace("\\n", "\n"), "/etc/grove/agents.yml"));
        assertTrue(e.getMessage().startsWith("/etc/grove/agents.yml " + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void eachAgentHasItsNetworkPolicyAndTheDefaultIsTheApiHost() {
        AgentsFile.Agents a = AgentsFile.parse("""
                default: claude
                agents:
                  claude: {kind: claude-code}
                  listed: {kind: claude-code, network: allow, allow: [api.anthropic.com, "proxy.corp.example:8443"]}
                  short: {kind: command, command: /opt/a.sh, allow: [api.openai.com]}
                  offline: {kind: command, command: /opt/a.sh, network: none}
                  wide: {kind: command, command: /opt/a.sh, network: open}
                """, "agents.yml");
        assertEquals(null, a.agents().get("claude").network());
        assertEquals(dev.grove.sandbox.NetworkPolicy.allow(List.of("api.anthropic.com", "proxy.corp.example:8443")),
                a.agents().get("listed").network());
        assertEquals(dev.grove.sandbox.NetworkPolicy.allow(List.of("api.openai.com")), a.agents().get("short").network());
        assertEquals(dev.grove.sandbox.NetworkPolicy.none(), a.agents().get("offline").network());
        assertEquals(dev.grove.sandbox.NetworkPolicy.open(), a.agents().get("wide").network());
        ClaudeCodeAgentRunner claude = new ClaudeCodeAgentRunner(a.agents().get("claude"),
                new AgentEnvironment(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:4010"), List.of("ANTHROPIC_BASE_URL")));
        assertEquals(List.of("127.0.0.1:4010"), claude.network().allow(), "the base URL's host when it is passed");
        ClaudeCodeAgentRunner plain = new ClaudeCodeAgentRunner(a.agents().get("claude"),
                new AgentEnvironment(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:4010"), List.of()));
        assertEquals(List.of("api.anthropic.com"), plain.network().allow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'agents:\n  a: {kind: command, command: x, network: maybe}' | line 2 | network must be `none`, `allow` or `open`",
            "'agents:\n  a: {kind: command, command: x, network: open, allow: [h]}' | line 2 | `allow:` goes with `network: allow`",
            "'agents:\n  a: {kind: command, command: x, network: allow}' | line 2 | needs `allow: [host, ...]`",
            "'agents:\n  a: {kind: command, command: x, allow: [\"h/x\"]}' | line 2 | is not a host or host:port"})
    void aBadNetworkIsRefusedNamingTheLine(String yaml, String line, String says) {
        AgentsFile.AgentsFileException e = assertThrows(AgentsFile.AgentsFileException.class,
                () -> AgentsFile.parse(yaml.replace("\\n", "\n"), "agents.yml"));
        assertTrue(e.getMessage().contains(line) && e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void eachAgentGetsOnlyItsOwnPassThroughVariables() {
        AgentCatalog catalog = AgentCatalog.of(AgentsFile.parse(GOOD, "f"),
                Map.of("PATH", "/bin", "ANTHROPIC_API_KEY", "sk-secret", "GROVE_WEBHOOK_SECRET", "whsec"));
        assertEquals(java.util.Set.of("claude", "script"), catalog.names());
        assertEquals("claude", catalog.defaultName());
        assertTrue(catalog.get("claude") instanceof ClaudeCodeAgentRunner);
        ProcessAgentRunner script = (ProcessAgentRunner) catalog.get("script");
        Map<String, String> env = script.environmentFor(new AgentRequest(java.nio.file.Path.of("."), "p",
                java.nio.file.Path.of("/tmp/p.md"), Map.of(), Duration.ofSeconds(1), java.nio.file.Path.of("/tmp/l")));
        assertEquals(null, env.get("ANTHROPIC_API_KEY"), "the claude agent's key is not the script's");
        assertEquals(null, env.get("GROVE_WEBHOOK_SECRET"));
        assertEquals("/bin", env.get("PATH"));
        var e = assertThrows(IllegalArgumentException.class, () -> catalog.get("codex"));
        assertTrue(e.getMessage().contains("claude, script"), e.getMessage());
    }
}
