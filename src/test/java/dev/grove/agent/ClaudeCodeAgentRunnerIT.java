package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.AnthropicStandIn;
import dev.grove.testing.ClaudeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code claude} CLI (pinned, installed by the build) against a local stand-in for the Messages API. */
class ClaudeCodeAgentRunnerIT {
    @TempDir
    Path tmp;
    Path cli;
    AnthropicStandIn api;
    Path workDir;
    List<String> progress;

    @BeforeEach
    void setUp() throws Exception {
        cli = ClaudeCli.require();
        api = new AnthropicStandIn();
        workDir = Files.createDirectories(tmp.resolve("worktree"));
        progress = Collections.synchronizedList(new ArrayList<>());
    }

    @AfterEach
    void tearDown() {
        if (api != null) api.close();
    }

    Map<String, String> serverEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", tmp.toString());
        env.put("ANTHROPIC_BASE_URL", api.baseUrl());
        env.put("ANTHROPIC_API_KEY", "sk-ant-test-key");
        env.put("GROVE_WEBHOOK_SECRET", "never-passed");
        return env;
    }

    ClaudeCodeAgentRunner runner(Integer maxTurns, Double budget) {
        AgentDefinition d = new AgentDefinition("claude", AgentDefinition.Kind.CLAUDE_CODE, cli.toString(),
                List.of("--model", "claude-sonnet-4-5"), List.of("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
                null, maxTurns, budget, List.of());
        return new ClaudeCodeAgentRunner(d, new AgentEnvironment(serverEnv(), d.env()));
    }

    AgentRequest request(String prompt, Duration timeout) {
        Path taskDir = tmp.resolve("task");
        return new AgentRequest(workDir, prompt, taskDir.resolve("prompt.md"),
                Map.of("GROVE_TASK_TITLE", "Write the notes", "GROVE_TASK_PATHS", "NOTES.md",
                        "GROVE_ISSUE_NUMBER", "7", "GROVE_REPOSITORY", "octo-org/shop"),
                timeout, taskDir.resolve("agent.log"), progress::add, new CancelSignal(), null);
    }

    @Test
    void writesTheFileAndReportsSummaryTurnsAndCost() throws Exception {
        AgentOutcome outcome = runner(10, 5.0).run(request("Create NOTES.md", Duration.ofSeconds(90)));

        String log = Files.readString(tmp.resolve("task/agent.log"));
        assertInstanceOf(AgentOutcome.Finished.class, outcome, outcome + "\n" + log);
        assertTrue(Files.exists(workDir.resolve("NOTES.md")), outcome + " / " + progress + " / stream: " + api.messages().get(0).body().get("stream") + " / " + log);
        assertEquals("written by claude through grove\n", Files.readString(workDir.resolve("NOTES.md")));
        AgentReport report = outcome.report();
        assertEquals("I created NOTES.md as asked.", report.summary());
        assertEquals(2, report.turns());
        assertNotNull(report.costUsd(), log);
        assertTrue(report.costUsd() > 0, "cost " + report.costUsd());
        assertNotNull(report.sessionId());
        assertEquals(tmp.resolve("task/claude-config").toString(), report.configDir());
        assertTrue(progress.contains("writing NOTES.md"), progress.toString());
        assertEquals("I created NOTES.md as asked.", outcome.outputTail());

        List<AnthropicStandIn.Received> messages = api.messages();
        assertEquals(2, messages.size());
        assertEquals("sk-ant-test-key", messages.get(0).apiKey());
        String told = AnthropicStandIn.allText(messages.get(0).body());
        assertTrue(told.contains("Create NOTES.md"), "the prompt reached the model");
        assertTrue(told.contains("Grove commits and pushes") && told.contains("Change only files matching: NOTES.md"),
                "the system prompt addition");
        assertTrue(Files.isDirectory(tmp.resolve("task/claude-config")), "its own config folder");
    }

    @Test
    void inTheSandboxItReachesTheModelOnlyThroughItsAllowList() throws Exception {
        // the stand-in listens on the host's loopback, which the sandbox's own network cannot reach: a task that
        // completes went through Grove's proxy, and an agent whose list leaves the API out cannot reach it at all
        assertTrue(dev.grove.sandbox.Sandbox.system().enabled(), "tests run with the sandbox on");
        AgentDefinition d = new AgentDefinition("claude", AgentDefinition.Kind.CLAUDE_CODE, cli.toString(),
                List.of("--model", "claude-sonnet-4-5"), List.of("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
                null, 10, null, List.of(), dev.grove.sandbox.NetworkPolicy.allow(List.of("api.example.org")));
        AgentOutcome outcome = new ClaudeCodeAgentRunner(d, new AgentEnvironment(serverEnv(), d.env()))
                .run(request("Create NOTES.md", Duration.ofSeconds(60)));

        assertTrue(!(outcome instanceof AgentOutcome.Finished), outcome.toString());
        assertTrue(api.messages().isEmpty(), "no request reached the model");
        assertTrue(Files.notExists(workDir.resolve("NOTES.md")));
        String port = api.baseUrl().replaceAll(".*:(\\d+).*", "$1");
        assertTrue(Files.readString(tmp.resolve("task/agent.log")).contains(
                "[grove: the sandbox refused a connection to 127.0.0.1:" + port), "the refusal is in the task's log");
    }

    @Test
    void stopsAtMaxTurnsWithAClearReason() throws Exception {
        AgentOutcome outcome = runner(1, null).run(request("Create NOTES.md", Duration.ofSeconds(90)));
        AgentOutcome.Failed f = assertInstanceOf(AgentOutcome.Failed.class, outcome, outcome.toString());
        assertTrue(f.reason().contains("limit of 1 turns (max_turns)"), f.reason());
        assertNotNull(f.report().turns(), "turns are reported even when the limit stops it");
    }

    @Test
    void stopsAtItsCostCeiling() throws Exception {
        // the stand-in reports 1000 input tokens a call: more than $0.001 at Sonnet's price
        AgentOutcome outcome = runner(10, 0.001).run(request("Create NOTES.md", Duration.ofSeconds(90)));
        AgentOutcome.Failed f = assertInstanceOf(AgentOutcome.Failed.class, outcome, outcome.toString());
        assertTrue(f.reason().contains("cost ceiling of $0.00"), f.reason());
        assertNotNull(f.report().costUsd());
    }

    @Test
    void anApiErrorIsAFailedTaskWithTheReason() throws Exception {
        api.failWith(400);
        AgentOutcome outcome = runner(10, null).run(request("Create NOTES.md", Duration.ofSeconds(90)));
        AgentOutcome.Failed f = assertInstanceOf(AgentOutcome.Failed.class, outcome, outcome.toString());
        assertTrue(f.reason().startsWith("Claude Code reported an error"), f.reason());
        assertTrue(f.reason().contains("scripted failure"), "the API's own error message: " + f.reason());
    }

    @Test
    void aTimeoutKillsTheCliAndLeavesNoProcess() throws Exception {
        api.delay(60_000);
        AgentOutcome outcome = runner(10, null).run(request("Create NOTES.md", Duration.ofSeconds(8)));
        assertInstanceOf(AgentOutcome.TimedOut.class, outcome, outcome.toString());
        assertNoProcessUsing(tmp.resolve("task/claude-config").toString());
    }

    @Test
    void cancelKillsTheCli() throws Exception {
        api.delay(60_000);
        AgentRequest req = request("Create NOTES.md", Duration.ofSeconds(60));
        Thread canceller = new Thread(() -> {
            try {
                while (api.messages().isEmpty()) Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            req.cancel().cancel("/grove cancel by octocat");
        });
        canceller.start();
        AgentOutcome outcome = runner(10, null).run(req);
        AgentOutcome.Cancelled c = assertInstanceOf(AgentOutcome.Cancelled.class, outcome, outcome.toString());
        assertEquals("/grove cancel by octocat", c.reason());
        assertNoProcessUsing(tmp.resolve("task/claude-config").toString());
    }

    @Test
    void aReviseResumesTheTasksOwnSession() throws Exception {
        ClaudeCodeAgentRunner runner = runner(10, null);
        AgentOutcome first = runner.run(request("Create NOTES.md", Duration.ofSeconds(90)));
        assertInstanceOf(AgentOutcome.Finished.class, first, first.toString());
        int before = api.messages().size();
        api.writes("REVIEW.md", "after review\n").answers("Done with the review.");

        AgentOutcome second = runner.revise(request("Also add REVIEW.md", Duration.ofSeconds(90)),
                first.report().sessionId(), "FRESH START: task, diff, comments");
        assertInstanceOf(AgentOutcome.Finished.class, second, second.toString());
        assertEquals("Done with the review.", second.report().summary());
        assertTrue(Files.exists(workDir.resolve("REVIEW.md")));
        String told = AnthropicStandIn.allText(api.messages().get(before).body());
        assertTrue(told.contains("Create NOTES.md") && told.contains("Also add REVIEW.md"),
                "the resumed conversation carries the first prompt: " + told);
        assertTrue(!told.contains("FRESH START"), "not the fresh-start prompt");
    }

    @Test
    void aReviseWhoseSessionIsGoneStartsAfreshWithContext() throws Exception {
        AgentOutcome outcome = runner(10, null).revise(request("Also add REVIEW.md", Duration.ofSeconds(90)),
                "00000000-0000-4000-8000-000000000000", "FRESH START: the task, the diff so far, the review comments");
        assertInstanceOf(AgentOutcome.Finished.class, outcome, outcome.toString());
        String told = AnthropicStandIn.allText(api.messages().get(0).body());
        assertTrue(told.contains("FRESH START: the task, the diff so far"), told);
    }

    static void assertNoProcessUsing(String marker) throws Exception {
        for (int i = 0; i < 50; i++) {
            boolean found = ProcessHandle.allProcesses().anyMatch(p -> environOf(p.pid()).contains(marker)
                    && !isZombie(p.pid()));
            if (!found) return;
            Thread.sleep(100);
        }
        throw new AssertionError("a process with " + marker + " in its environment is still running");
    }

    static String environOf(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")));
        } catch (Exception e) {
            return "";
        }
    }

    static boolean isZombie(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.charAt(s.lastIndexOf(')') + 2) == 'Z';
        } catch (Exception e) {
            return true;
        }
    }
}
