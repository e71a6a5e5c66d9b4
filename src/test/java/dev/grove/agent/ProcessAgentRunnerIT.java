package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, real shell scripts, in Grove's sandbox (on by default): so the agents write only into their
 * worktree ({@code out} below is a folder inside it), and their processes are found by a marker in their environment
 * (their PIDs are the sandbox's own).
 */
class ProcessAgentRunnerIT {
    @TempDir
    Path tmp;
    Path workDir;
    Path promptFile;
    Path logFile;
    Path out;

    @BeforeEach
    void folders() throws IOException {
        workDir = Files.createDirectories(tmp.resolve("worktree"));
        out = Files.createDirectories(workDir.resolve("out"));
        promptFile = tmp.resolve("run/prompt.md");
        logFile = tmp.resolve("run/agent.log");
    }

    private Path script(String name, String body) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", System.getProperty("user.home"));
        return env;
    }

    private AgentRequest request(String prompt, Map<String, String> taskEnv, Duration timeout) {
        return new AgentRequest(workDir, prompt, promptFile, taskEnv, timeout, logFile);
    }

    @Test
    void agentEditsTheWorktreeAndReadsItsPromptAndTaskEnv() throws Exception {
        Path agent = script("agent.sh", """
                cat > "$OUT/stdin.txt"
                cp "$GROVE_PROMPT_FILE" "$OUT/promptfile.txt"
                printf '%s' "$GROVE_TASK_TITLE" > "$OUT/title.txt"
                echo "changed by the agent" > README.md
                echo "agent done"
                echo "to stderr" >&2
                """);
        Map<String, String> base = baseEnv();
        base.put("OUT", out.toString());
        var runner = new ProcessAgentRunner(agent.toString(), base, List.of("OUT"));

        AgentOutcome outcome = runner.run(request("Add a login page.\nUse ünïcode.", Map.of("GROVE_TASK_TITLE", "Add login"),
                Duration.ofSeconds(30)));

        assertInstanceOf(AgentOutcome.Finished.class, outcome, outcome.toString());
        assertEquals("changed by the agent\n", Files.readString(workDir.resolve("README.md")));
        assertEquals("Add a login page.\nUse ünïcode.", Files.readString(out.resolve("stdin.txt")));
        assertEquals("Add a login page.\nUse ünïcode.", Files.readString(out.resolve("promptfile.txt")));
        assertEquals("Add a login page.\nUse ünïcode.", Files.readString(promptFile));
        assertEquals("Add login", Files.readString(out.resolve("title.txt")));
        assertEquals("agent done\nto stderr", outcome.outputTail());
        assertEquals("agent done\nto stderr\n", Files.readString(logFile));
    }

    /**
     * The environment an agent is handed holds only allow-listed variables. This is not the whole story: what an
     * agent can reach beyond its environment (Grove's /proc, the key file) is the sandbox's job, tested through the
     * shipped jar in {@code e2e/HostileAgentFlowIT}.
     */
    @Test
    void theAllowListKeepsGrovesSecretsOutOfTheAgentsEnvironment() throws Exception {
        Map<String, String> base = baseEnv();
        base.put("GROVE_WEBHOOK_SECRET", "s3cret");
        base.put("GROVE_PRIVATE_KEY_FILE", "/etc/grove/app.pem");
        base.put("GITHUB_TOKEN", "ghs_token123");
        base.put("SOME_OTHER", "other-value");
        base.put("ANTHROPIC_API_KEY", "sk-pass-me");
        var runner = new ProcessAgentRunner("env > \"$GROVE_TASK_OUT\"", base, List.of("ANTHROPIC_API_KEY"));
        Path envDump = out.resolve("env.txt");

        AgentOutcome outcome = runner.run(request("p", Map.of("GROVE_TASK_OUT", envDump.toString()), Duration.ofSeconds(30)));

        assertInstanceOf(AgentOutcome.Finished.class, outcome, outcome.toString());
        String env = Files.readString(envDump);
        for (String name : List.of("GROVE_WEBHOOK_SECRET", "GROVE_PRIVATE_KEY_FILE", "GITHUB_TOKEN", "SOME_OTHER")) {
            assertFalse(env.contains(name + "="), name + " reached the agent:\n" + env);
        }
        assertFalse(env.contains("s3cret"), env);
        assertFalse(env.contains("ghs_token123"), env);
        assertFalse(env.contains("app.pem"), env);
        assertTrue(env.contains("ANTHROPIC_API_KEY=sk-pass-me\n"), env);
        assertTrue(env.contains("GROVE_PROMPT_FILE=" + promptFile.toAbsolutePath() + "\n"), env);
        assertTrue(env.contains("PATH="), env);
    }

    @Test
    void refusesToPassGrovesOwnSecrets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProcessAgentRunner("true", baseEnv(), List.of("GROVE_WEBHOOK_SECRET")));
        assertTrue(e.getMessage().contains("GROVE_WEBHOOK_SECRET"));
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path agent = script("slow.sh", """
                sleep 300 &
                setsid sleep 300 &
                ( setsid sh -c 'sleep 300 & echo forked' & )
                echo "working"
                sleep 300
                """);
        Map<String, String> base = baseEnv();
        String marker = "GROVE_TEST_MARKER=" + java.util.UUID.randomUUID();
        base.put("GROVE_TEST_MARKER", marker.substring(marker.indexOf('=') + 1));
        var runner = new ProcessAgentRunner(agent.toString(), base, List.of("GROVE_TEST_MARKER"));

        AgentOutcome outcome = runner.run(request("p", Map.of(), Duration.ofSeconds(2)));

        var timedOut = assertInstanceOf(AgentOutcome.TimedOut.class, outcome, outcome.toString());
        assertEquals(Duration.ofSeconds(2), timedOut.timeout());
        assertTrue(outcome.elapsed().compareTo(Duration.ofSeconds(20)) < 0, outcome.elapsed().toString());
        assertTrue(outcome.outputTail().contains("working"), outcome.outputTail());
        ClaudeCodeAgentRunnerIT.assertNoProcessUsing(marker);
    }

    @Test
    void whatTheAgentLeavesRunningIsStoppedWhenItExits() throws Exception {
        Path agent = script("leaves.sh", """
                sleep 300 &
                ( setsid sleep 300 & )
                echo "left one behind"
                """);
        Map<String, String> base = baseEnv();
        String marker = "GROVE_TEST_MARKER=" + java.util.UUID.randomUUID();
        base.put("GROVE_TEST_MARKER", marker.substring(marker.indexOf('=') + 1));
        var runner = new ProcessAgentRunner(agent.toString(), base, List.of("GROVE_TEST_MARKER"));

        AgentOutcome outcome = runner.run(request("p", Map.of(), Duration.ofSeconds(30)));

        assertInstanceOf(AgentOutcome.Finished.class, outcome, outcome.toString());
        assertTrue(outcome.elapsed().compareTo(Duration.ofSeconds(20)) < 0, outcome.elapsed().toString());
        ClaudeCodeAgentRunnerIT.assertNoProcessUsing(marker);
    }

    @Test
    void nonZeroExitFailsWithTheTail() throws Exception {
        Path agent = script("fails.sh", """
                i=1
                while [ $i -le 60 ]; do echo "line $i"; i=$((i+1)); done
                echo "something broke" >&2
                exit 3
                """);
        var runner = new ProcessAgentRunner(agent.toString(), baseEnv(), List.of());

        AgentOutcome outcome = runner.run(request("p", Map.of(), Duration.ofSeconds(30)));

        var failed = assertInstanceOf(AgentOutcome.Failed.class, outcome, outcome.toString());
        assertEquals("agent exited with code 3", failed.reason());
        List<String> tail = failed.outputTail().lines().toList();
        assertEquals(40, tail.size());
        assertEquals("line 22", tail.get(0));
        assertEquals("something broke", tail.get(39));
        String log = Files.readString(logFile);
        assertTrue(log.startsWith("line 1\nline 2\n"), log);
        assertTrue(log.endsWith("line 60\nsomething broke\n"), log);
    }

    @Test
    void anAgentThatCannotStartFailsWithTheReason() {
        var runner = new ProcessAgentRunner("true", baseEnv(), List.of());
        AgentRequest missingDir = new AgentRequest(tmp.resolve("no-such-dir"), "p", promptFile, Map.of(),
                Duration.ofSeconds(5), logFile);

        AgentOutcome outcome = runner.run(missingDir);

        var failed = assertInstanceOf(AgentOutcome.Failed.class, outcome, outcome.toString());
        assertTrue(failed.reason().startsWith("could not start the agent"), failed.reason());
    }

    @Test
    void theLogIsCutAt20Megabytes() throws Exception {
        var runner = new ProcessAgentRunner("head -c 22000000 /dev/zero | tr '\\000' 'a'; echo; echo last line",
                baseEnv(), List.of());

        AgentOutcome outcome = runner.run(request("p", Map.of(), Duration.ofSeconds(60)));

        assertInstanceOf(AgentOutcome.Finished.class, outcome, outcome.toString());
        long size = Files.size(logFile);
        assertTrue(size > ProcessAgentRunner.LOG_CAP_BYTES && size < ProcessAgentRunner.LOG_CAP_BYTES + 200, "" + size);
        String end = new String(Files.readAllBytes(logFile), (int) ProcessAgentRunner.LOG_CAP_BYTES,
                (int) (size - ProcessAgentRunner.LOG_CAP_BYTES), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(end.contains("log was cut at 20 MB"), end);
        assertTrue(outcome.outputTail().endsWith("last line"), "the tail still sees output after the cut");
    }
}
