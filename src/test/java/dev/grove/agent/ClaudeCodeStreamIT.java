package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claude-code adapter with a script in place of the CLI, to show exactly what it is given (arguments, stdin,
 * environment) and how it reads broken output: malformed and cut lines never stop it.
 */
class ClaudeCodeStreamIT {
    @TempDir
    Path tmp;
    final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    AgentOutcome run(String scriptBody, Double requestCap) throws Exception {
        Path fake = Files.writeString(tmp.resolve("fake-claude.sh"), "#!/bin/sh\n" + scriptBody);
        fake.toFile().setExecutable(true, false); // the sandbox runs it as its own uid
        AgentDefinition d = new AgentDefinition("claude", AgentDefinition.Kind.CLAUDE_CODE, fake.toString(),
                List.of("--model", "m"), List.of("ANTHROPIC_API_KEY"), null, 7, 3.0, List.of("Read", "Write"));
        Map<String, String> server = Map.of("PATH", System.getenv("PATH"), "ANTHROPIC_API_KEY", "sk-1",
                "GROVE_WEBHOOK_SECRET", "whsec-1", "OTHER", "x");
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        return new ClaudeCodeAgentRunner(d, new AgentEnvironment(server, d.env())).run(new AgentRequest(wt,
                "the prompt", tmp.resolve("task/prompt.md"), Map.of("GROVE_TASK_TITLE", "T", "GROVE_TASK_PATHS", "a/**"),
                Duration.ofSeconds(30), tmp.resolve("task/agent.log"), progress::add, new CancelSignal(), requestCap));
    }

    @Test
    void givesTheCliItsFlagsThePromptOnStdinAndOnlyItsOwnEnvironment() throws Exception {
        Path out = tmp.resolve("wt/out"); // the sandbox writes only into its worktree
        AgentOutcome o = run("""
                for a in "$@"; do printf '%%s\\n' "$a"; done > '%1$s.args'
                cat > '%1$s.stdin'
                env > '%1$s.env'
                echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"ok","total_cost_usd":0.5}'
                """.formatted(out), 1.5);
        assertInstanceOf(AgentOutcome.Finished.class, o, o.toString());
        List<String> args = Files.readAllLines(Path.of(out + ".args"));
        assertEquals(List.of("--model", "m", "-p", "--output-format", "stream-json", "--verbose", "--permission-mode",
                "acceptEdits", "--max-turns", "7", "--max-budget-usd", "1.5000", "--allowedTools", "Read,Write",
                "--append-system-prompt"), args.subList(0, 15));
        String system = String.join("\n", args.subList(15, args.size()));
        assertTrue(system.contains("\"T\"") && system.contains("Change only files matching: a/**")
                && system.contains("Grove commits and pushes") && system.contains("do not push"), system);
        assertEquals("the prompt", Files.readString(Path.of(out + ".stdin")));
        String env = Files.readString(Path.of(out + ".env"));
        assertTrue(env.contains("ANTHROPIC_API_KEY=sk-1\n"), env);
        assertTrue(env.contains("CLAUDE_CONFIG_DIR=" + tmp.resolve("task/claude-config") + "\n"), env);
        assertTrue(env.contains("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\n"), env);
        assertFalse(env.contains("whsec-1") || env.contains("OTHER="), env);
    }

    @Test
    void malformedAndCutLinesDoNotStopTheReading() throws Exception {
        AgentOutcome o = run("""
                echo 'Welcome to a banner line'
                echo '{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Edit","input":{"file_path":"'"$PWD"'/src/A.java"}}]}}'
                echo '{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","inp'
                echo '{{{{'
                printf '%s' '{"type":"user"'; echo
                echo '{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{"command":"mvn -q test"}}]}}'
                echo '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"result":"All done.","session_id":"abc","total_cost_usd":0.12}'
                """, null);
        AgentOutcome.Finished f = assertInstanceOf(AgentOutcome.Finished.class, o, o.toString());
        assertEquals(List.of("editing src/A.java", "running mvn -q test", "finished"), progress);
        assertEquals(new AgentReport("All done.", 3, 0.12, null, "abc", tmp.resolve("task/claude-config").toString()),
                f.report());
        assertTrue(Files.readString(tmp.resolve("task/agent.log")).contains("{{{{"), "the raw stream is the log");
    }

    @Test
    void outputCutShortBeforeTheResultIsAFailureWithTheReason() throws Exception {
        AgentOutcome o = run("""
                echo '{"type":"system","subtype":"init","session_id":"s-9"}'
                echo 'Error: Invalid API key'
                printf '%s' '{"type":"assistant","message":{"content":[{"type":"te'
                exit 1
                """, null);
        AgentOutcome.Failed f = assertInstanceOf(AgentOutcome.Failed.class, o, o.toString());
        assertTrue(f.reason().startsWith("Claude Code exited with code 1 before its result"), f.reason());
        assertEquals("Claude Code exited with code 1 before its result: Error: Invalid API key", f.reason(),
                "the reason quotes what the CLI said, not the cut-off JSON after it");
        assertEquals("s-9", f.report().sessionId());
    }

    @Test
    void aMissingCliSaysHowToInstallIt() throws Exception {
        AgentDefinition d = new AgentDefinition("claude", AgentDefinition.Kind.CLAUDE_CODE, tmp.resolve("nope").toString(),
                List.of(), List.of(), null, null, null, List.of());
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        AgentOutcome o = new ClaudeCodeAgentRunner(d, new AgentEnvironment(Map.of("PATH", "/usr/bin:/bin"), List.of()))
                .run(new AgentRequest(wt, "p", tmp.resolve("task/prompt.md"), Map.of(), Duration.ofSeconds(10),
                        tmp.resolve("task/agent.log")));
        AgentOutcome.Failed f = assertInstanceOf(AgentOutcome.Failed.class, o, o.toString());
        assertTrue(f.reason().startsWith("could not start Claude Code: `" + tmp.resolve("nope") + "` is not an "
                + "executable file"), f.reason());
        assertTrue(f.reason().contains("install it on the runner"), f.reason());
        assertFalse(Files.exists(tmp.resolve("task/agent.log")), "nothing was started");
    }
}
