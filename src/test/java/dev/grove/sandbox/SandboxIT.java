package dev.grove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bubblewrap, real processes: what a process in Grove's sandbox can and cannot do. Each test runs a shell
 * script as a hostile agent would and checks the result from outside.
 */
class SandboxIT {
    @TempDir
    Path tmp;
    Path worktree;
    Path data;
    Path key;
    Path other;
    Path log;
    final List<HttpServer> servers = new ArrayList<>();
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        worktree = Files.createDirectories(tmp.resolve("worktrees/task-1"));
        Files.writeString(worktree.resolve("README.md"), "hello\n");
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("state.json"), "{\"secret\":\"data-dir-secret\"}");
        key = tmp.resolve("app.pem");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nkey-file-secret\n");
        other = Files.createDirectories(tmp.resolve("worktrees/task-2"));
        Files.writeString(other.resolve("secret.txt"), "other-worktree-secret");
        log = tmp.resolve("task/agent.log");
    }

    @AfterEach
    void tearDown() {
        servers.forEach(s -> s.stop(0));
        started.forEach(Process::destroyForcibly);
    }

    Sandbox sandbox(long memory, int processes, long logCap) {
        return new Sandbox(new SandboxSettings(true, 10001, memory, processes, logCap, List.of(), List.of(),
                List.of(data, key, Path.of(System.getProperty("user.home")))));
    }

    Sandbox sandbox() {
        return sandbox(1L << 30, 256, SandboxSettings.DEFAULT_LOG_CAP);
    }

    Launch script(String body, Map<String, String> env, Duration timeout) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        return Launch.of("test", List.of("/bin/sh", "-c", body), worktree, e, timeout, log);
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Test
    void seesNeitherGrovesProcessesNorTheirEnvironment() throws Exception {
        String secret = "webhook-secret-" + UUID.randomUUID();
        ProcessBuilder pb = new ProcessBuilder("sleep", "60");
        pb.environment().put("GROVE_WEBHOOK_SECRET", secret);
        Process grove = pb.start();
        started.add(grove);
        long self = ProcessHandle.current().pid();

        Sandbox.Result r = sandbox().run(script("""
                echo "processes: $(ls /proc | grep -c '^[0-9]')"
                cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep webhook-secret || echo "no secret in /proc"
                cat /proc/%d/environ /proc/%d/environ 2>&1 | tr '\\0' '\\n' | head -c 300
                echo "uid $(id -u)"
                grep -E 'Cap(Eff|Prm|Bnd)' /proc/self/status
                grep NoNewPrivs /proc/self/status
                """.formatted(grove.pid(), self), Map.of(), Duration.ofSeconds(30)));

        String out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertFalse(out.contains(secret), out);
        assertTrue(out.contains("no secret in /proc"), out);
        int processes = Integer.parseInt(out.lines().filter(l -> l.startsWith("processes: ")).findFirst().orElseThrow()
                .substring(11).trim());
        assertTrue(processes < 10, "a fresh /proc with the sandbox's own processes only: " + out);
        assertTrue(out.contains("CapEff:\t0000000000000000") && out.contains("CapBnd:\t0000000000000000"), out);
        assertTrue(out.contains("NoNewPrivs:\t1"), out);
        if (sandbox().dropsToOwnUid()) {
            assertTrue(out.contains("uid 10001"), "Grove runs as root here; the sandbox runs as its own uid: " + out);
        }
    }

    @Test
    void readsAndWritesOnlyItsOwnWorktree() throws Exception {
        Path outside = tmp.resolve("outside.txt");
        Sandbox.Result r = sandbox().run(script("""
                for f in %1$s/state.json %2$s %3$s/secret.txt /root/.bashrc /etc/shadow; do
                  cat "$f" 2>/dev/null && echo "READ $f"
                done
                ls %1$s %4$s /root 2>/dev/null && echo "LISTED"
                echo pwned > %5$s 2>/dev/null && echo "WROTE outside"
                echo pwned > %3$s/secret.txt 2>/dev/null && echo "WROTE other worktree"
                echo pwned > %2$s 2>/dev/null && echo "WROTE key"
                touch /usr/pwned 2>/dev/null && echo "WROTE /usr"
                echo "made inside" > inside.txt && echo "wrote inside"
                echo "changed" >> README.md
                """.formatted(data, key, other, tmp, outside), Map.of(), Duration.ofSeconds(30)));

        String out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        for (String leak : List.of("data-dir-secret", "key-file-secret", "other-worktree-secret", "READ", "LISTED",
                "WROTE")) {
            assertFalse(out.contains(leak), leak + ": " + out);
        }
        assertTrue(out.contains("wrote inside"), out);
        assertFalse(Files.exists(outside));
        assertEquals("other-worktree-secret", Files.readString(other.resolve("secret.txt")));
        assertEquals("hello\nchanged\n", Files.readString(worktree.resolve("README.md")));
        assertFalse(Files.exists(Path.of("/usr/pwned")));
        // what the sandbox wrote stays in its worktree, its uid's (Grove as root) or Grove's (a user namespace)
        int expected = sandbox().dropsToOwnUid() ? 10001 : (int) Files.getAttribute(tmp, "unix:uid");
        assertEquals(expected, (int) Files.getAttribute(worktree.resolve("inside.txt"), "unix:uid"));
        assertEquals(expected, (int) Files.getAttribute(worktree.resolve("README.md"), "unix:uid"));
        assertEquals("made inside\n", Files.readString(worktree.resolve("inside.txt")));
    }

    /** {@code id -u} inside a sandbox of {@code s} started in {@code dir}. */
    int uidIn(Sandbox s, Path dir) throws IOException {
        Path idLog = tmp.resolve("task/id-" + UUID.randomUUID() + ".log");
        Sandbox.Result r = s.run(Launch.of("id", List.of("/bin/sh", "-c", "id -u; echo mine > mine-$(id -u).txt"), dir,
                Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(30), idLog));
        String out = Files.readString(idLog);
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertEquals(0, r.exitCode(), out);
        return Integer.parseInt(out.strip());
    }

    @Test
    void aWorktreeKeepsItsUidAndIsWalkedOnlyAtItsFirstLaunch() throws Exception {
        Sandbox s = sandbox();
        org.junit.jupiter.api.Assumptions.assumeTrue(s.dropsToOwnUid(), "own uids only where Grove runs as root");
        Files.createDirectories(worktree.resolve("src/deep"));
        Files.writeString(worktree.resolve("src/deep/A.java"), "class A {}\n");
        int first = uidIn(s, worktree);
        int before = s.handovers();
        int otherUid = uidIn(s, other);
        assertNotEquals(first, otherUid, "two worktrees, two uids");
        assertEquals(before + 1, s.handovers(), "the other worktree is handed to its uid once");
        assertEquals(first, (int) Files.getAttribute(worktree.resolve("src/deep/A.java"), "unix:uid"));
        assertEquals(first, (int) Files.getAttribute(worktree.resolve("mine-" + first + ".txt"), "unix:uid"));

        // Grove (root) writes a file between launches: a walk of the tree would give it to the sandbox's uid
        Path byGrove = worktree.resolve("src/deep/by-grove.txt");
        Files.writeString(byGrove, "grove\n");
        int again = uidIn(s, worktree);
        assertEquals(first, again, "a later launch in the same worktree (revise, verify) gets the same uid");
        assertEquals(0, (int) Files.getAttribute(byGrove, "unix:uid"), "the second launch did not walk the worktree");
        assertEquals(before + 1, s.handovers());

        // a Grove restarted finds the worktree's uid from its owner, without walking it
        Sandbox restarted = sandbox();
        assertTrue(restarted.problem().isEmpty()); // its probe, in a folder of its own, is handed over
        int probed = restarted.handovers();
        assertEquals(first, uidIn(restarted, worktree));
        assertEquals(probed, restarted.handovers());
        assertNotEquals(first, uidIn(restarted, other), "the other worktree keeps a uid of its own");
        assertEquals(probed, restarted.handovers());

        // a Grove restarted that has learned the worktrees' uids at start gives a new worktree none of them
        Sandbox third = sandbox();
        assertEquals(2, third.knowWorktreesIn(tmp.resolve("worktrees"), 1));
        Path fresh = Files.createDirectories(tmp.resolve("worktrees/task-3"));
        int freshUid = uidIn(third, fresh);
        assertNotEquals(first, freshUid);
        assertNotEquals(otherUid, freshUid);
        assertEquals(otherUid, uidIn(third, other));

        // a worktree removed and made again at the same path is root's: handed over again
        deleteTree(other);
        Files.createDirectories(other);
        Files.writeString(other.resolve("new.txt"), "new\n");
        int before2 = s.handovers();
        int recreated = uidIn(s, other);
        assertNotEquals(first, recreated);
        assertEquals(before2 + 1, s.handovers());
        assertEquals(recreated, (int) Files.getAttribute(other.resolve("new.txt"), "unix:uid"));
    }

    @Test
    void anotherWorktreesUidCannotReadItsFiles() throws Exception {
        Sandbox s = sandbox();
        org.junit.jupiter.api.Assumptions.assumeTrue(s.dropsToOwnUid(), "own uids only where Grove runs as root");
        Path secret = worktree.resolve("secret.txt");
        Files.writeString(secret, "task-1-secret\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(worktree, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        int owner = uidIn(s, worktree);

        // even with task-1's worktree bound into task-2's sandbox, task-2's uid can neither read nor write it
        Sandbox.Result r = s.run(Launch.of("peek", List.of("/bin/sh", "-c", """
                echo "uid $(id -u)"
                cat %1$s/secret.txt 2>/dev/null && echo "READ"
                ls %1$s 2>/dev/null && echo "LISTED"
                echo pwned > %1$s/pwned.txt 2>/dev/null && echo "WROTE"
                """.formatted(worktree)), other, Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(30), log)
                .withReadable(List.of(worktree)));
        String out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertTrue(out.contains("uid "), out);
        assertFalse(out.contains("uid " + owner + "\n"), out);
        for (String leak : List.of("task-1-secret", "READ", "LISTED", "WROTE")) {
            assertFalse(out.contains(leak), leak + ": " + out);
        }
        assertFalse(Files.exists(worktree.resolve("pwned.txt")));
        // Grove (root) still reads what the sandbox's uid owns
        assertEquals("task-1-secret\n", Files.readString(secret));
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void reachesListedHostsOnlyThroughTheProxyAndLogsRefusals() throws Exception {
        AtomicInteger listedHits = new AtomicInteger();
        AtomicInteger unlistedHits = new AtomicInteger();
        int listed = server("from-listed", listedHits);
        int unlisted = server("from-unlisted", unlistedHits);

        Sandbox.Result r = sandbox().run(script("""
                echo "plain: $(curl -s -m 10 http://127.0.0.1:%1$d/)"
                echo "tunnel: $(curl -s -m 10 -p http://127.0.0.1:%1$d/)"
                echo "unlisted: $(curl -s -m 10 http://127.0.0.1:%2$d/ | head -c 200)"
                echo "unlisted tunnel: $(curl -s -m 10 -p http://127.0.0.1:%2$d/ | head -c 200)"
                echo "direct: $(curl -s -m 5 --noproxy '*' http://127.0.0.1:%1$d/ || echo unreachable)"
                """.formatted(listed, unlisted), Map.of(), Duration.ofSeconds(60))
                .withNetwork(NetworkPolicy.allow(List.of("127.0.0.1:" + listed))));

        String out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertTrue(out.contains("plain: from-listed"), out);
        assertTrue(out.contains("tunnel: from-listed"), out);
        assertFalse(out.contains("from-unlisted"), out);
        assertTrue(out.contains("direct: unreachable"), "no way around the proxy: " + out);
        assertEquals(2, listedHits.get(), "the listed host, once per proxied request");
        assertEquals(0, unlistedHits.get());
        assertTrue(out.contains("[grove: the sandbox refused a connection to 127.0.0.1:" + unlisted), out);
    }

    @Test
    void withoutNetworkNothingIsReachable() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        int port = server("from-host", hits);
        Sandbox.Result r = sandbox().run(script("""
                curl -s -m 5 http://127.0.0.1:%d/ || echo "no network"
                getent hosts github.com || echo "no dns"
                """.formatted(port), Map.of(), Duration.ofSeconds(30)));
        String out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertTrue(out.contains("no network") && out.contains("no dns"), out);
        assertEquals(0, hits.get());
    }

    @Test
    void cancelKillsEveryProcessDoubleForksIncluded() throws Exception {
        String marker = UUID.randomUUID().toString();
        TestCancel cancel = new TestCancel();
        Sandbox.Result r = sandbox().run(script("""
                ( setsid sh -c 'sleep 300' & )
                ( sleep 301 & )
                echo up
                sleep 302
                """, Map.of("GROVE_TEST_MARKER", marker), Duration.ofSeconds(60))
                .withCancel(cancel).withOutput(line -> {
                    if (line.equals("up")) cancel.cancel();
                }));
        assertEquals(Sandbox.Ending.CANCELLED, r.ending(), logText());
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(30)) < 0, r.elapsed().toString());
        assertNoProcessWith(marker);
    }

    @Test
    void grovesDeathKillsTheSandbox() throws Exception {
        String marker = UUID.randomUUID().toString();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SandboxChild.class.getName(), worktree.toString(), marker)
                .redirectErrorStream(true).start();
        started.add(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder said = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("started")) {
            said.append(line).append('\n');
        }
        assertNotNull(line, "the child never started its sandbox: " + said);
        assertTrue(countProcessesWith(marker) >= 3, "the sandbox's processes run");
        child.destroyForcibly(); // kill -9: Grove gets no chance to clean up
        child.waitFor(10, TimeUnit.SECONDS);
        assertNoProcessWith(marker);
    }

    /**
     * The watchdog inside each sandbox: when Grove's lifeline goes (here: its holder is killed; in real life: Grove
     * dies before bubblewrap's PID 1 armed its own death signal), it kills every process of the sandbox.
     */
    @Test
    void theWatchdogKillsTheSandboxWhenGrovesLifelineGoes() throws Exception {
        String marker = UUID.randomUUID().toString();
        Sandbox sandbox = sandbox();
        java.util.concurrent.CompletableFuture<Boolean> up = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Sandbox.Result> result = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> sandbox.run(script("""
                        ( setsid sh -c 'sleep 300' & )
                        echo up
                        sleep 302
                        """, Map.of("GROVE_TEST_MARKER", marker), Duration.ofSeconds(120))
                        .withNetwork(NetworkPolicy.allow(List.of("example.com")))
                        .withOutput(line -> {
                            if (line.equals("up")) up.complete(true);
                        })));
        up.get(60, TimeUnit.SECONDS);
        assertTrue(countProcessesWith(marker) >= 4, "the sandbox's processes run");
        long holder = sandbox.lifelinePid();
        assertTrue(holder > 0, "the lifeline is held");
        ProcessHandle.of(holder).orElseThrow().destroyForcibly();
        Sandbox.Result r = result.get(20, TimeUnit.SECONDS);
        assertNotEquals(0, r.exitCode(), "the agent was killed, it did not end on its own");
        assertNoProcessWith(marker);
    }

    @Test
    void memoryProcessesAndOutputAreCapped() throws Exception {
        Sandbox small = sandbox(64L << 20, 24, 1L << 20);
        small.run(script("""
                ( x=$(head -c 200000000 /dev/zero | tr '\\0' a) && echo "survived ${#x}" )
                echo after-memory
                """, Map.of(), Duration.ofSeconds(60)));
        String out = logText();
        assertFalse(out.contains("survived"), out);
        assertTrue(out.contains("after-memory"), out);

        Sandbox.Result r = small.run(script("""
                i=0; while [ $i -lt 60 ]; do sleep 30 & i=$((i+1)); done
                echo "all 60 started"
                """, Map.of(), Duration.ofSeconds(60)));
        out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertTrue(out.toLowerCase().contains("fork"), "the process limit refused some forks: " + out);
        assertFalse(out.contains("all 60 started"), out);

        small.run(script("head -c 3000000 /dev/zero | tr '\\0' a; echo; echo last line", Map.of(),
                Duration.ofSeconds(60)));
        long size = Files.size(log);
        assertTrue(size > (1L << 20) && size < (1L << 20) + 200, String.valueOf(size));
        assertTrue(logText().endsWith("[grove: the log was cut at 1 MB; later output is not kept]\n"));
    }

    @Test
    void gitWorksReadOnlyOnTheCommonDir() throws Exception {
        Path repo = tmp.resolve("cache/repo");
        git(tmp, "init", "-q", "-b", "main", repo.toString());
        Files.writeString(repo.resolve("a.txt"), "a\n");
        git(repo, "add", "a.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        Path wt = tmp.resolve("worktrees/linked");
        git(repo, "worktree", "add", "-q", "-b", "task", wt.toString());
        Path gitDir = repo.resolve(".git");
        assertEquals(gitDir, GitDirs.commonDirOf(wt));

        Launch l = Launch.of("git", List.of("/bin/sh", "-c", """
                echo change >> a.txt
                git status --short
                git log --oneline -1
                touch %1$s/hooks/pre-push 2>/dev/null && echo "WROTE hook"
                echo '[core]' >> %1$s/config 2>/dev/null && echo "WROTE config"
                """.formatted(gitDir)), wt, Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(30), log);
        Sandbox.Result r = sandbox().run(l);
        String out = logText();
        assertEquals(Sandbox.Ending.EXITED, r.ending(), out);
        assertTrue(out.contains(" M a.txt"), out);
        assertTrue(out.contains("first"), out);
        assertFalse(out.contains("WROTE"), out);
        assertFalse(Files.exists(gitDir.resolve("hooks/pre-push")));

        // a .git file rewritten to point elsewhere is not followed: the common dir is not shown at all
        Files.writeString(wt.resolve(".git"), "gitdir: " + other + "\n");
        assertNull(GitDirs.commonDirOf(wt));
    }

    @Test
    void refusesToRunWhenTheSandboxCannotStartAndSaysHowToFixIt() throws Exception {
        Sandbox broken = new Sandbox(sandbox().settings(), "/nonexistent/bwrap");
        Sandbox.Result r = broken.run(script("echo ran > ran.txt", Map.of(), Duration.ofSeconds(10)));
        assertEquals(Sandbox.Ending.NOT_STARTED, r.ending());
        assertTrue(r.problem().contains("the sandbox cannot start") && r.problem().contains("/nonexistent/bwrap")
                && r.problem().contains("GROVE_SANDBOX=off") && r.problem().contains("apt-get install bubblewrap"),
                r.problem());
        assertFalse(Files.exists(worktree.resolve("ran.txt")));
    }

    @Test
    void offRunsUnsandboxedAsBefore() throws Exception {
        Sandbox off = new Sandbox(new SandboxSettings(false, 10001, 1L << 30, 256, SandboxSettings.DEFAULT_LOG_CAP,
                List.of(), List.of(), List.of()));
        assertTrue(off.describe().contains("UNSANDBOXED"));
        Path outside = tmp.resolve("outside.txt");
        Sandbox.Result r = off.run(script("echo reached > " + outside, Map.of(), Duration.ofSeconds(10)));
        assertEquals(Sandbox.Ending.EXITED, r.ending());
        assertTrue(Files.exists(outside), "GROVE_SANDBOX=off gives up the file isolation");
    }

    @Test
    void theCommandLineHoldsNoHiddenPath() throws Exception {
        Sandbox s = sandbox();
        Launch l = script("true", Map.of("PATH", "/usr/bin:" + data + ":" + System.getProperty("user.home") + "/bin"),
                Duration.ofSeconds(5));
        l = new Launch(l.label(), l.command(), l.workDir(), Map.of("PATH", "/usr/bin:" + data + ":"
                + System.getProperty("user.home") + "/bin"), null, l.timeout(), l.logFile(), null, null, null, null, null);
        List<String> argv = BwrapCommand.build("/usr/bin/bwrap", l, s.settings(), s.toolchain(), s.runtimeDir(), 10001,
                null, null);
        for (String a : argv) {
            assertFalse(a.startsWith(data.toString()), a);
            assertNotEquals(System.getProperty("user.home"), a);
            assertFalse(a.startsWith(System.getProperty("user.home") + "/"), a);
        }
    }

    // ---- helpers ----

    int server(String body, AtomicInteger hits) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            hits.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    static long countProcessesWith(String marker) {
        return ProcessHandle.allProcesses().filter(p -> environOf(p.pid()).contains(marker) && !isZombie(p.pid()))
                .count();
    }

    static void assertNoProcessWith(String marker) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (countProcessesWith(marker) == 0) return;
            Thread.sleep(100);
        }
        throw new AssertionError("a process with " + marker + " in its environment is still running");
    }

    static String environOf(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    static boolean isZombie(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.charAt(s.lastIndexOf(')') + 2) == 'Z';
        } catch (Exception e) {
            return false;
        }
    }

    static final class TestCancel implements Cancellable {
        private final List<Runnable> actions = new ArrayList<>();
        private boolean cancelled;

        synchronized void cancel() {
            cancelled = true;
            new ArrayList<>(actions).forEach(Runnable::run);
        }

        @Override
        public synchronized boolean isCancelled() {
            return cancelled;
        }

        @Override
        public synchronized void onCancel(Runnable action) {
            if (cancelled) action.run();
            else actions.add(action);
        }

        @Override
        public synchronized void forget(Runnable action) {
            actions.remove(action);
        }
    }
}
