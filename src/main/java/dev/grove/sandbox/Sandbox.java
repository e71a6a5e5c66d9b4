package dev.grove.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Grove starts a process on a repository's behalf: task, revise and {@code /grove try} agents, the planner
 * agent, {@code verify} and {@code measure}. Each {@link #run(Launch)} is a bubblewrap sandbox:
 * <ul>
 * <li><b>identity</b>: its own PID namespace with a fresh {@code /proc} (Grove's processes and their environment are
 * out of sight), IPC and UTS namespaces, no capabilities, {@code no_new_privs}; where Grove runs as root, its own uid
 * (from {@code GROVE_SANDBOX_UID}), the same for every launch in one worktree and different from every other
 * worktree's: the worktree is handed to that uid at its first launch and stays its own between launches (later
 * launches check only the worktree's top folder, see {@link #acquireUid}); further writable folders are chowned to
 * it for the run and back afterwards;</li>
 * <li><b>files</b>: a fresh root with the toolchain read-only ({@code /usr}, {@code /bin}, {@code /lib*}, a few files
 * of {@code /etc}, the PATH's other folders, {@code JAVA_HOME}), its worktree read-write, the worktree's git common
 * dir read-only (after checking that it really is this worktree's), its own {@code HOME} and {@code /tmp}, and only
 * the further paths the launch names; never the data folder, the App key, Grove's HOME or another worktree;</li>
 * <li><b>network</b> per {@link NetworkPolicy}: none, the allow list through {@link EgressProxy}, or open;</li>
 * <li><b>limits</b>: wall time, a data-segment limit per process, a process count, the log cut at its cap. Timeout,
 * cancel and Grove's own death kill the sandbox's PID 1, and with it every process inside, double forks included;
 * bubblewrap's PID 1 reaps what is orphaned inside, so nothing reaches Grove. Grove's death, {@code kill -9}
 * included: the parent-death signal armed before exec ({@link #guarded}) and by bubblewrap, the watchdog on Grove's
 * {@link Lifeline} for a sandbox whose PID 1 had not armed it yet, and {@link Leftovers} reaped at the next start.</li>
 * </ul>
 * With {@code GROVE_SANDBOX=off} a launch runs as before: {@code setsid} in the worktree, the given environment,
 * the process group killed at the end. If the sandbox cannot start, every launch fails with the reason and the fix.
 */
public final class Sandbox {
    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
    public static final int TAIL_LINES = 40;
    /** How many uids sandboxes use, from {@code GROVE_SANDBOX_UID} on (each worktree keeps one). */
    static final int UIDS = 256;
    /** Longer lines reach the listener cut at this length (a cut JSON line is simply not JSON any more). */
    public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    static final String HOME = "/home/agent";
    static final String PROXY_SOCKET_INSIDE = "/run/grove/proxy.sock";
    static final int PROXY_PORT_INSIDE = 3128;
    static final String LIFELINE_INSIDE = "/run/grove/lifeline";

    public enum Ending { EXITED, TIMED_OUT, CANCELLED, INTERRUPTED, NOT_STARTED }

    /** {@code problem} says why it did not start (NOT_STARTED), else null. */
    public record Result(Ending ending, int exitCode, String tail, Duration elapsed, String problem) {
    }

    private static volatile Sandbox system;

    private final SandboxSettings settings;
    private final String bwrap;
    private final int groveUid;
    private final int groveGid;
    /** Each worktree's uid, kept between its launches (Grove as root). */
    private final Map<Path, Integer> uidOf = new HashMap<>();
    /** Launches running per uid. */
    private final Map<Integer, Integer> running = new HashMap<>();
    /** How many times a worktree was walked to hand it to a uid ({@code chown -R}); for tests and the benchmark. */
    private final AtomicInteger handovers = new AtomicInteger();
    private final AtomicInteger sockets = new AtomicInteger();
    private volatile Leftovers leftovers;
    private Lifeline lifeline;
    private boolean lifelineTried;
    private Path runtimeDir;
    private List<String> toolchain;
    private String problem;
    private boolean probed;

    public Sandbox(SandboxSettings settings) {
        this(settings, "/usr/bin/bwrap");
    }

    /** {@code bwrap}: the bubblewrap binary (tests give a missing one to see the refusal). */
    Sandbox(SandboxSettings settings, String bwrap) {
        this.settings = settings;
        this.bwrap = bwrap;
        int[] ids = ownIds();
        this.groveUid = ids[0];
        this.groveGid = ids[1];
    }

    /** The sandbox every launch uses: the one {@link #install}ed by {@code grove serve}, else one from the environment. */
    public static Sandbox system() {
        Sandbox s = system;
        if (s == null) {
            synchronized (Sandbox.class) {
                if (system == null) {
                    system = new Sandbox(SandboxSettings.fromEnv(System.getenv(), List.of()));
                }
                s = system;
            }
        }
        return s;
    }

    /** Makes {@code sandbox} the one every launch uses (called once at start by {@code grove serve}). */
    public static void install(Sandbox sandbox) {
        system = sandbox;
    }

    /**
     * Records each launch in {@code dir} (under the data folder) while it runs, then kills what a Grove that is gone
     * left running there (see {@link Leftovers}). Called once at start by {@code grove serve}.
     *
     * @return a line per process killed
     */
    public List<String> recordLaunchesIn(Path dir) throws IOException {
        Leftovers l = new Leftovers(dir);
        List<String> killed = l.reap();
        leftovers = l;
        return killed;
    }

    /** Package seam for tests: records launches as {@code l} says, without reaping. */
    void recordLaunchesWith(Leftovers l) {
        leftovers = l;
    }

    public SandboxSettings settings() {
        return settings;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Where Grove runs as root, sandboxes run as their own uid; elsewhere they keep Grove's uid in a user namespace. */
    public boolean dropsToOwnUid() {
        return groveUid == 0;
    }

    /**
     * Why no sandbox can start here (with what to do about it), or empty when it can or when the sandbox is off.
     * Checked once, by starting one.
     */
    public synchronized Optional<String> problem() {
        if (!settings.enabled()) return Optional.empty();
        if (!probed) {
            probed = true;
            problem = probe();
        }
        return Optional.ofNullable(problem);
    }

    /** A line for the start-up log. */
    public String describe() {
        if (!settings.enabled()) {
            return "GROVE_SANDBOX=off: agents, the planner, verify and measure run UNSANDBOXED, as Grove's own user, "
                    + "able to read Grove's environment, files and App key. Every tracking comment says so.";
        }
        return problem().map(p -> "the sandbox cannot start, so Grove will run no agent: " + p)
                .orElse("every agent, planner, verify and measure runs in a bubblewrap sandbox ("
                        + (dropsToOwnUid() ? "uids from " + settings.firstUid() : "Grove's uid in a user namespace")
                        + ", at most " + settings.maxProcesses() + " processes and " + settings.memoryBytes() / (1 << 20)
                        + " MB of data per process)");
    }

    // ---- running ----------------------------------------------------------------------------------------------

    public Result run(Launch launch) {
        long started = System.nanoTime();
        if (launch.cancel().isCancelled()) {
            return new Result(Ending.CANCELLED, -1, "", since(started), null);
        }
        if (settings.enabled()) {
            Optional<String> why = problem();
            if (why.isPresent()) {
                log.error("{}: not started: the sandbox cannot start: {}", launch.label(), why.get());
                return new Result(Ending.NOT_STARTED, -1, "", since(started), "the sandbox cannot start: " + why.get());
            }
        }
        return settings.enabled() ? runSandboxed(launch, started) : runPlain(launch, started);
    }

    private Result runSandboxed(Launch launch, long started) {
        if (launch.network().mode() == NetworkPolicy.Mode.ALLOW && !Files.isExecutable(Path.of("/usr/bin/socat"))) {
            return new Result(Ending.NOT_STARTED, -1, "", since(started), "the agent's network is `allow` "
                    + launch.network().allow() + ", which needs socat in the sandbox: install it (apt-get install socat)"
                    + " or give the agent `network: none` in GROVE_AGENTS_FILE");
        }
        OutputPump pump;
        try {
            pump = openLog(launch);
        } catch (IOException e) {
            return new Result(Ending.NOT_STARTED, -1, "", since(started), "could not open the log: " + e);
        }
        int uid = dropsToOwnUid() ? acquireUid(launch.workDir()) : -1;
        EgressProxy proxy = null;
        List<Path> handedOver = new ArrayList<>();
        try {
            Path runtime = runtimeDir();
            if (launch.network().mode() == NetworkPolicy.Mode.ALLOW) {
                proxy = EgressProxy.start(runtime.resolve("proxy-" + sockets.incrementAndGet() + ".sock"),
                        launch.network(), launch.label(), pump::note);
                Files.setPosixFilePermissions(proxy.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
            }
            if (uid >= 0) {
                handOver(launch.workDir(), uid);
                handedOver.addAll(launch.writable());
                handedOver.remove(launch.workDir());
                chown(handedOver, uid, uid);
            }
            makeReadable(launch);
            List<String> argv = BwrapCommand.build(bwrap, launch, settings, toolchain(), runtime, uid,
                    proxy == null ? null : proxy.socket(), GitDirs.commonDirOf(launch.workDir()), lifeline(runtime));
            ProcessBuilder pb = new ProcessBuilder(guarded(argv)).directory(launch.workDir().toFile())
                    .redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(environment(launch));
            mark(pb);
            return supervise(launch, pb, pump, started, true);
        } catch (IOException e) {
            pump.closeLog();
            return new Result(Ending.NOT_STARTED, -1, "", since(started), e.getMessage());
        } finally {
            if (proxy != null) proxy.close();
            if (uid >= 0) {
                chown(handedOver, groveUid, groveGid);
                releaseUid(uid);
            }
        }
    }

    /** The launch's environment, with the sandbox's own HOME and TMPDIR and, for {@code allow}, the proxy. */
    static Map<String, String> environment(Launch launch) {
        Map<String, String> env = new LinkedHashMap<>(launch.env());
        env.put("HOME", HOME);
        env.put("TMPDIR", "/tmp");
        for (String v : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy",
                "NO_PROXY", "no_proxy")) {
            env.remove(v);
        }
        if (launch.network().mode() == NetworkPolicy.Mode.ALLOW) {
            String proxy = "http://127.0.0.1:" + PROXY_PORT_INSIDE;
            for (String v : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
                env.put(v, proxy);
            }
        }
        return env;
    }

    private Result runPlain(Launch launch, long started) {
        OutputPump pump;
        try {
            pump = openLog(launch);
        } catch (IOException e) {
            return new Result(Ending.NOT_STARTED, -1, "", since(started), "could not open the log: " + e);
        }
        List<String> argv = new ArrayList<>();
        argv.add(setsid());
        argv.add("-w");
        argv.addAll(launch.command());
        ProcessBuilder pb = new ProcessBuilder(guarded(argv)).directory(launch.workDir().toFile())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(launch.env());
        mark(pb);
        return supervise(launch, pb, pump, started, false);
    }

    /**
     * {@code argv} run so that it dies with Grove, whatever way Grove ends ({@code kill -9} included): setpriv arms the
     * parent-death signal (SIGKILL) and execs a shell that execs {@code argv} only if its parent still is Grove. If
     * Grove died before the signal was armed, the process has been handed to another parent already, and it exits
     * instead. bubblewrap arms the same signal for itself and for its PID 1 inside ({@code --die-with-parent}), and
     * the kernel kills everything in a PID namespace whose PID 1 dies.
     *
     * <p>The signal fires when the <em>thread</em> that started the process ends (Java starts it from the calling
     * thread: posix_spawn of jspawnhelper, which execs it). {@link #supervise} starts the process on the calling thread
     * and that thread waits for it to end, so the thread outlives the process.
     */
    static List<String> guarded(List<String> argv) {
        if (!Files.isExecutable(Path.of(SETPRIV))) return argv;
        List<String> out = new ArrayList<>(List.of(SETPRIV, "--pdeathsig", "KILL", "--", "/bin/sh", "-c",
                "[ \"$PPID\" = \"$1\" ] || exit 125; shift; exec \"$@\"", "grove-guard",
                String.valueOf(ProcessHandle.current().pid())));
        out.addAll(argv);
        return out;
    }

    private static final String SETPRIV = "/usr/bin/setpriv";

    /** The pid of the process that holds the lifeline, or -1 (tests). */
    synchronized long lifelinePid() {
        return lifeline == null ? -1 : lifeline.pid();
    }

    /** The lifeline's file (see {@link Lifeline}), held from the first sandbox on; null if it could not be held. */
    private synchronized Path lifeline(Path runtime) {
        if (!lifelineTried) {
            lifelineTried = true;
            try {
                lifeline = Lifeline.hold(runtime.resolve("lifeline"));
            } catch (IOException e) {
                log.warn("sandboxes run without a watchdog: {}", e.getMessage());
            }
        }
        return lifeline == null ? null : lifeline.file();
    }

    /** The mark by which a later Grove finds what this one left running (see {@link Leftovers}). */
    private void mark(ProcessBuilder pb) {
        Leftovers l = leftovers;
        pb.environment().remove(Leftovers.MARK);
        if (l != null) pb.environment().put(Leftovers.MARK, l.mark());
    }

    private OutputPump openLog(Launch launch) throws IOException {
        Path parent = launch.logFile().toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        OutputStream out = Files.newOutputStream(launch.logFile());
        return new OutputPump(out, launch.onLine(), settings.logCapBytes());
    }

    private Result supervise(Launch launch, ProcessBuilder pb, OutputPump pump, long started, boolean sandboxed) {
        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            pump.closeLog();
            return new Result(Ending.NOT_STARTED, -1, "", since(started), e.getMessage());
        }
        Leftovers recorded = leftovers;
        if (recorded != null) recorded.add(process.pid(), launch.label());
        Runnable kill = sandboxed ? () -> killSandbox(process) : () -> killTree(process);
        launch.cancel().onCancel(kill);
        Thread reader = new Thread(() -> pump.drain(process.getInputStream()), "sandbox-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(() -> feed(process.getOutputStream(), launch.stdin()), "sandbox-stdin-" + process.pid());
        writer.setDaemon(true);
        writer.start();
        try {
            boolean exited;
            try {
                exited = process.waitFor(launch.timeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill.run();
                finish(reader, writer, pump);
                return new Result(Ending.INTERRUPTED, -1, pump.tail(), since(started), null);
            }
            if (!exited) {
                kill.run();
                finish(reader, writer, pump);
                return new Result(launch.cancel().isCancelled() ? Ending.CANCELLED : Ending.TIMED_OUT, -1, pump.tail(),
                        since(started), null);
            }
            if (!sandboxed) killGroup(process.pid());
            finish(reader, writer, pump);
            return new Result(launch.cancel().isCancelled() ? Ending.CANCELLED : Ending.EXITED, process.exitValue(),
                    pump.tail(), since(started), null);
        } finally {
            launch.cancel().forget(kill);
            if (recorded != null) recorded.remove(process.pid());
        }
    }

    /**
     * SIGKILL to bubblewrap: its PID 1 inside dies with it ({@code --die-with-parent}), and the kernel kills every
     * process left in a PID namespace whose PID 1 is gone.
     */
    private static void killSandbox(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the unsandboxed way (GROVE_SANDBOX=off) --------------------------------------------------------------

    /** SIGKILL to the process group and to every descendant (in case one left the group), then waits. */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.toHandle().descendants().toList();
        killGroup(process.pid());
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (ProcessHandle d : descendants) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    d.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ignored) {
                    // SIGKILL was sent; a slow or unreaped descendant does not change the outcome
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killGroup(long pid) {
        quietly(List.of("kill", "-KILL", "--", "-" + pid));
    }

    private static String setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        return "setsid";
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException ignored) {
            // the process closed its stdin or exited without reading it
        }
    }

    private static void finish(Thread reader, Thread writer, OutputPump pump) {
        join(reader, Duration.ofSeconds(5));
        join(writer, Duration.ofSeconds(1));
        pump.closeLog();
    }

    private static void join(Thread thread, Duration max) {
        try {
            thread.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The prompt file and the like, written by Grove for this run, readable by the sandbox's uid. */
    private static void makeReadable(Launch launch) {
        Path taskDir = launch.logFile().toAbsolutePath().getParent();
        for (Path r : launch.readable()) {
            Path a = r.toAbsolutePath();
            if (taskDir != null && a.startsWith(taskDir) && Files.isRegularFile(a)) {
                try {
                    Set<PosixFilePermission> p = Files.getPosixFilePermissions(a);
                    p.add(PosixFilePermission.OWNER_READ);
                    p.add(PosixFilePermission.GROUP_READ);
                    p.add(PosixFilePermission.OTHERS_READ);
                    Files.setPosixFilePermissions(a, p);
                } catch (IOException | UnsupportedOperationException ignored) {
                    // then the process reads it from stdin only
                }
            }
        }
    }

    /**
     * The uid of every launch in {@code worktree}: the one it had before (kept in memory, or, after a restart, the
     * worktree's owner when that is a sandbox uid no other worktree has), else the lowest sandbox uid no existing
     * worktree has. Two worktrees never share a uid while both are known; when all {@link #UIDS} are taken, an idle
     * worktree is handed back to Grove ({@code chown -R}) and its uid reused. An earlier Grove's worktrees are learned
     * at start ({@link #knowWorktreesIn}); one whose uid was given away meanwhile gets a fresh one and is walked again.
     */
    synchronized int acquireUid(Path worktree) {
        Path key = worktree.toAbsolutePath().normalize();
        Integer uid = uidOf.get(key);
        if (uid == null) {
            uidOf.keySet().removeIf(p -> running.getOrDefault(uidOf.get(p), 0) == 0 && !Files.isDirectory(p));
            int owner = ownerOf(key);
            if (isSandboxUid(owner) && !uidOf.containsValue(owner)) {
                uid = owner;
            } else {
                for (int i = 0; i < UIDS && uid == null; i++) {
                    if (!uidOf.containsValue(settings.firstUid() + i)) uid = settings.firstUid() + i;
                }
            }
            if (uid == null) uid = evictIdle();
            uidOf.put(key, uid);
        }
        running.merge(uid, 1, Integer::sum);
        return uid;
    }

    /** All uids taken: an idle worktree goes back to Grove and its uid to the next one. */
    private int evictIdle() {
        for (var it = uidOf.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Integer> e = it.next();
            if (running.getOrDefault(e.getValue(), 0) == 0) {
                it.remove();
                handovers.incrementAndGet();
                chown(List.of(e.getKey()), groveUid, groveGid);
                return e.getValue();
            }
        }
        throw new IllegalStateException("more than " + UIDS + " sandboxes at once");
    }

    private synchronized void releaseUid(int uid) {
        running.computeIfPresent(uid, (u, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Learns which uid each worktree {@code depth} folders below {@code root} has from an earlier Grove (its top
     * folder's owner), so that a new worktree gets none of them. Two with the same uid: the first found keeps it, the
     * other gets a fresh one at its next launch. Called once at start by {@code grove serve}.
     *
     * @return how many worktrees were found with a sandbox uid
     */
    public synchronized int knowWorktreesIn(Path root, int depth) {
        if (!dropsToOwnUid() || !Files.isDirectory(root)) return 0;
        int found = 0;
        try (var paths = Files.find(root, depth, (p, a) -> a.isDirectory())) {
            for (Path p : paths.filter(p -> root.relativize(p).getNameCount() == depth).toList()) {
                Path key = p.toAbsolutePath().normalize();
                int owner = ownerOf(key);
                if (isSandboxUid(owner) && !uidOf.containsValue(owner) && !uidOf.containsKey(key)) {
                    uidOf.put(key, owner);
                    found++;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            log.warn("could not list the worktrees in {}: {}", root, e.toString());
        }
        return found;
    }

    /** Forgets a worktree's uid (the probe's, which is gone after it). */
    private synchronized void forget(Path worktree) {
        uidOf.remove(worktree.toAbsolutePath().normalize());
    }

    private boolean isSandboxUid(int uid) {
        return uid >= settings.firstUid() && uid < settings.firstUid() + UIDS;
    }

    /**
     * Gives {@code worktree} to {@code uid}, every file in it, unless its top folder is that uid's already: then it
     * was handed over at an earlier launch, and since then only the sandbox's uid wrote in it (Grove's own git writes
     * into the worktree only when it creates it; it commits through the worktree's git dir, outside the worktree).
     * Files the sandbox writes stay its uid's; Grove, root, reads them all the same.
     */
    private void handOver(Path worktree, int uid) {
        if (ownerOf(worktree) != uid) {
            handovers.incrementAndGet();
            chown(List.of(worktree), uid, uid);
        }
    }

    /** How many times a worktree was walked to change its owner (tests and the benchmark). */
    int handovers() {
        return handovers.get();
    }

    private static int ownerOf(Path p) {
        try {
            return (int) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code chown -R -h}: symbolic links themselves, never what they point to. */
    private static void chown(List<Path> paths, int uid, int gid) {
        List<String> argv = new ArrayList<>(List.of("chown", "-R", "-h", "-P", uid + ":" + gid, "--"));
        int n = 0;
        for (Path p : paths) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                argv.add(p.toAbsolutePath().toString());
                n++;
            }
        }
        if (n > 0) quietly(argv);
    }

    private static void quietly(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // missing binary: nothing more to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int[] ownIds() {
        int uid = -1;
        int gid = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                if (line.startsWith("Gid:")) gid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the probe will say the sandbox cannot start
        }
        return new int[] {uid, gid};
    }

    /**
     * Grove's private folder for what it binds into sandboxes: {@code passwd}, {@code group}, the agent's
     * {@code .gitconfig}, and the proxies' sockets. Only Grove can list it.
     */
    synchronized Path runtimeDir() throws IOException {
        if (runtimeDir == null) {
            Path dir = Files.createTempDirectory("grove-sandbox-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            int uid = dropsToOwnUid() ? settings.firstUid() : groveUid;
            StringBuilder passwd = new StringBuilder("root:x:0:0:root:/root:/usr/sbin/nologin\n");
            StringBuilder group = new StringBuilder("root:x:0:\n");
            if (dropsToOwnUid()) {
                for (int i = 0; i < UIDS; i++) {
                    passwd.append("agent").append(i == 0 ? "" : String.valueOf(i)).append(":x:").append(uid + i)
                            .append(':').append(uid + i).append("::").append(HOME).append(":/bin/sh\n");
                    group.append("agent").append(i == 0 ? "" : String.valueOf(i)).append(":x:").append(uid + i)
                            .append(":\n");
                }
            } else {
                passwd.append("agent:x:").append(groveUid).append(':').append(groveGid).append("::").append(HOME)
                        .append(":/bin/sh\n");
                group.append("agent:x:").append(groveGid).append(":\n");
            }
            passwd.append("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
            group.append("nogroup:x:65534:\n");
            write(dir.resolve("passwd"), passwd.toString());
            write(dir.resolve("group"), group.toString());
            // the common dir belongs to Grove, not to the sandbox's uid: without this git refuses it ("dubious ownership")
            write(dir.resolve("gitconfig"), "[safe]\n\tdirectory = *\n");
            runtimeDir = dir;
        }
        return runtimeDir;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    synchronized List<String> toolchain() {
        if (toolchain == null) toolchain = BwrapCommand.toolchain();
        return toolchain;
    }

    /** Starts {@code /bin/true} in a sandbox with no network; null when that works, else what went wrong and the fix. */
    private String probe() {
        for (String tool : List.of(bwrap, "/usr/bin/prlimit")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is missing. " + fix();
            }
        }
        if (dropsToOwnUid() && !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return "/usr/bin/setpriv (util-linux) is missing. " + fix();
        }
        try {
            Path dir = runtimeDir();
            Path wt = Files.createDirectories(dir.resolve("probe"));
            Launch probe = Launch.of("sandbox probe", List.of("/bin/true"), wt, Map.of("PATH", "/usr/bin:/bin"),
                    Duration.ofSeconds(30), dir.resolve("probe.log"));
            Result r = runSandboxed(probe, System.nanoTime());
            forget(wt);
            if (r.ending() == Ending.EXITED && r.exitCode() == 0) {
                return null;
            }
            String said = r.problem() != null ? r.problem() : r.tail().isBlank() ? "exit code " + r.exitCode()
                    : r.tail().strip().lines().reduce((a, b) -> b).orElse("");
            return "bubblewrap could not start a sandbox here (" + said + "). " + fix();
        } catch (IOException e) {
            return "could not prepare the sandbox's folder: " + e.getMessage() + ". " + fix();
        }
    }

    private static String fix() {
        return "Install bubblewrap, socat and util-linux (apt-get install bubblewrap socat util-linux) and allow user "
                + "namespaces (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0); in Docker, "
                + "run with --security-opt seccomp=unconfined --security-opt apparmor=unconfined "
                + "--security-opt systempaths=unconfined. Or set GROVE_SANDBOX=off to run agents unsandboxed "
                + "(see README, \"Threat model\": they can then read Grove's secrets).";
    }
}
