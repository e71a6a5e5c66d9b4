package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.GitFixtures;
import dev.grove.testing.WebhookFixtures;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No agent outlives Grove, through the packaged jar: a sandboxed agent with an allow-listed network (so a socat runs
 * in its sandbox) leaves a double-forked {@code setsid} sleeper behind and waits; Grove gets {@code kill -9}. Every
 * process of that sandbox is gone within seconds, and stays gone after a restart. A process that a killed Grove left
 * marked as its own (as one started in the instant before Grove's death would be) is killed by the next Grove's start.
 */
class NoAgentOutlivesGroveFlowIT extends GroveE2E {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatTheTestStarted() {
        started.forEach(Process::destroyForcibly);
    }

    private Map<String, String> env(String mark, String agentCommand) throws IOException {
        Path agents = Files.writeString(tmp.resolve("agents-" + mark + ".yml"), """
                default: lingering
                agents:
                  lingering:
                    kind: command
                    command: %s
                    env: [E2E_MARK]
                    network: allow
                    allow: [example.com]
                """.formatted(agentCommand));
        Map<String, String> env = new HashMap<>(DurabilityFlowIT.QUICK);
        env.put("GROVE_AGENTS_FILE", agents.toString());
        env.put("E2E_MARK", mark);
        return env;
    }

    @Test
    void aKillDashNineOfGroveKillsEveryProcessOfItsSandboxesAndTheNextStartReapsLeftovers() throws Exception {
        Path agent = tmp.resolve("lingering-agent.sh");
        Files.writeString(agent, """
                #!/bin/sh
                # a double fork into a session of its own: outside the agent's process group and session
                ( setsid sh -c 'sleep 600' & )
                echo lingering
                sleep 600
                """);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        String first = "first-" + UUID.randomUUID();
        startServer("true", env(first, agent.toString()));
        long grovePid = server.pid();
        long groveStart = startTime(grovePid);
        assertEquals(202, WebhookFixtures.deliver(URI.create("http://localhost:" + server.port()), "issues", "d-linger",
                WebhookFixtures.bytes(WebhookFixtures.issuesLabeled(REPO.fullName(), GitFixtures.fileUrl(origin), ISSUE,
                        "Release prep", BODY, "grove", INSTALLATION)), SECRET).statusCode());

        // three sandboxes, each: bwrap (outside and its PID 1), socat, the agent's shell, its sleep, the sleeper
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (withMark(first, "sleep 600").size() < 2 * BRANCHES.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(2 * BRANCHES.size(), withMark(first, "sleep 600").size(), "the agents and their sleepers run:\n"
                + server.output());
        assertEquals(BRANCHES.size(), withMark(first, "socat TCP-LISTEN").size(), "a socat per sandbox");

        server.kill();
        assertTrue(awaitNoneWith(first, Duration.ofSeconds(5)),
                "still running 5 s after kill -9 of Grove: " + withMark(first, ""));

        // what a Grove killed in the instant between starting a process and arming its death signal leaves behind
        ProcessBuilder pb = new ProcessBuilder("sleep", "600");
        pb.environment().put("GROVE_SANDBOX_OF", grovePid + "-" + groveStart + "-" + pidNamespace() + "-"
                + Integer.toHexString(dataDir.resolve("sandboxes").toAbsolutePath().normalize().toString().hashCode()));
        pb.environment().put("E2E_MARK", first);
        started.add(pb.start());
        assertEquals(1, withMark(first, "sleep 600").size());

        String second = "second-" + UUID.randomUUID();
        startServer("true", env(second, "/bin/true"));
        assertTrue(awaitNoneWith(first, Duration.ofSeconds(10)), "the next Grove did not kill what the killed one "
                + "left: " + withMark(first, "") + "\n" + server.output());
        assertTrue(server.output().contains("it was left running by an earlier Grove"), server.output());
        assertTrue(server.awaitIdle(Duration.ofSeconds(90)), server.output());
        assertTrue(withMark(first, "").isEmpty(), "after the restart's runs: " + withMark(first, ""));
        // Grove itself carries its own environment, of course
        List<String> secondsLeft = withMark(second, "").stream().filter(p -> !p.startsWith(server.pid() + " ")).toList();
        assertTrue(secondsLeft.isEmpty(), "the restart's agents ended: " + secondsLeft);
    }

    private static boolean awaitNoneWith(String mark, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (withMark(mark, "").isEmpty()) return true;
            Thread.sleep(100);
        }
        return withMark(mark, "").isEmpty();
    }

    /** Live (not zombie) processes with {@code E2E_MARK=mark} in their environment whose command line starts with {@code command}. */
    static List<String> withMark(String mark, String command) {
        List<String> out = new ArrayList<>();
        byte[] needle = ("E2E_MARK=" + mark + "\0").getBytes(StandardCharsets.UTF_8);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    if (!environ.contains(new String(needle, StandardCharsets.UTF_8))) continue;
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') continue;
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').trim();
                    if (cmd.startsWith(command)) out.add(p.getFileName() + " " + cmd.substring(0, Math.min(80, cmd.length())));
                } catch (IOException gone) {
                    // ended meanwhile, or a kernel thread
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static long startTime(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[19]);
    }

    /** The inode of this PID namespace, as Grove writes it in its marks. */
    private static String pidNamespace() throws java.io.IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("[^0-9]", "");
    }
}
