package dev.grove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.sandbox.Leftovers.ProcId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: what a Grove that is gone left running is killed at the next start, and nothing else is. */
class LeftoversTest {
    @TempDir
    Path tmp;
    final List<Process> started = new ArrayList<>();
    final String tag = String.valueOf(100000 + new Random().nextInt(899999));

    @AfterEach
    void tearDown() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** A Grove that was: a process that has ended. */
    ProcId deadGrove() throws Exception {
        Process p = new ProcessBuilder("sleep", "0.3").start();
        ProcId id = ProcId.of(p.pid()).orElseThrow();
        p.waitFor(10, TimeUnit.SECONDS);
        assertFalse(id.alive());
        return id;
    }

    Process start(String mark, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (mark != null) pb.environment().put(Leftovers.MARK, mark);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @Test
    void killsWhatAGroveThatIsGoneLeftAndSparesReusedPidsAndLiveGroves() throws Exception {
        ProcId dead = deadGrove();
        Path dir = tmp.resolve("sandboxes");
        Leftovers before = new Leftovers(dir, dead);
        // what the dead Grove started: a child of it, and a double-forked setsid sleeper that left its tree
        Process launch = start(before.mark(), "sh", "-c",
                "( setsid sleep 601." + tag + " & ) ; sleep 602." + tag + " & exec sleep 600." + tag);
        before.add(launch.pid(), "task 1");
        // a record whose pid now names another process (another start time): left alone
        Process reused = start(null, "sleep", "603." + tag);
        Files.writeString(dir.resolve(dead.text() + "." + reused.pid() + ".launch"), "owner " + dead.text()
                + "\nprocess " + reused.pid() + "-1\nlabel old\n", StandardCharsets.UTF_8);
        // a live Grove's launch (this JVM's): left alone
        Process live = start(null, "sleep", "604." + tag);
        new Leftovers(dir, ProcId.of(ProcessHandle.current().pid()).orElseThrow()).add(live.pid(), "live");
        // a process marked by a Grove of another PID namespace (a container's, seen from the host): not ours to judge
        Process foreign = start(dead.text() + "-1", "sleep", "605." + tag);
        // a process marked by a dead Grove of another data folder (another deployment, another test run): its own
        // next start reaps it, not this one
        Process otherFolder = start(dead.text() + "-" + Leftovers.PID_NS + "-"
                + Leftovers.folderTag(tmp.resolve("elsewhere/sandboxes")), "sleep", "606." + tag);
        awaitRunning("sleep 601." + tag);
        awaitRunning("sleep 602." + tag);

        // the next Grove (a different pid or start time than either)
        Leftovers next = new Leftovers(dir, new ProcId(ProcessHandle.current().pid(), 1));
        List<String> killed = next.reap();

        assertTrue(launch.waitFor(10, TimeUnit.SECONDS), "the recorded process was killed");
        assertTrue(awaitGone("sleep 602." + tag), "its child was killed");
        assertTrue(awaitGone("sleep 601." + tag), "the double-forked sleeper (found by its mark) was killed");
        assertEquals(3, killed.size(), killed.toString());
        assertTrue(reused.isAlive(), "a reused pid is left alone");
        assertTrue(live.isAlive(), "a live Grove's launch is left alone");
        assertTrue(foreign.isAlive(), "another PID namespace's Grove's launch is left alone");
        assertTrue(otherFolder.isAlive(), "another data folder's Grove's launch is left alone");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the live Grove's record is left");
        }
    }

    @Test
    void theGuardRunsTheCommandOnlyWhileGroveIsItsParent() throws Exception {
        List<String> argv = Sandbox.guarded(List.of("/bin/echo", "ran"));
        assertEquals("/usr/bin/setpriv", argv.get(0));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertEquals("ran", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        assertEquals(0, p.waitFor());

        // as if Grove had died before the death signal was armed: the parent is not the Grove that asked
        List<String> orphaned = new ArrayList<>(argv);
        orphaned.set(orphaned.indexOf(String.valueOf(ProcessHandle.current().pid())), "1");
        Process q = new ProcessBuilder(orphaned).redirectErrorStream(true).start();
        assertEquals("", new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        assertEquals(125, q.waitFor());
    }

    static void awaitRunning(String cmd) throws Exception {
        for (int i = 0; i < 200 && pids(cmd).isEmpty(); i++) Thread.sleep(25);
        assertFalse(pids(cmd).isEmpty(), cmd + " never ran");
    }

    static boolean awaitGone(String cmd) throws Exception {
        for (int i = 0; i < 200 && !pids(cmd).isEmpty(); i++) Thread.sleep(25);
        return pids(cmd).isEmpty();
    }

    static List<Long> pids(String cmd) {
        return Leftovers.processTable().values().stream().filter(p -> p.command().equals(cmd)).map(Leftovers.Proc::pid)
                .toList();
    }
}
