package dev.grove.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes sure no process Grove started outlives it, for the one case the kernel's parent-death signal cannot
 * cover (Grove killed in the instant between starting a process and that process arming the signal; or anything
 * that escaped it): each running launch is a file in {@code <data dir>/sandboxes/} holding its pid, the start time
 * the kernel gives that pid ({@code /proc/<pid>/stat}, field 22), and the same for the Grove process that started it.
 * Every launch's environment also carries {@link #MARK}{@code =<grove pid>-<grove start>}.
 *
 * <p>At start-up Grove {@link #reap}s: for each record whose Grove is gone, it kills the recorded process if that pid
 * still is the same process (same start time: a reused pid is left alone), its descendants and the members of its
 * session; then every process whose environment carries the mark of a Grove that is gone. A live Grove's records
 * (another process on the same data folder) are left alone.
 */
final class Leftovers {
    private static final Logger log = LoggerFactory.getLogger(Leftovers.class);
    static final String MARK = "GROVE_SANDBOX_OF";
    private static final String SUFFIX = ".launch";
    /** This PID namespace (the inode of {@code /proc/self/ns/pid}): a mark from another one names pids not ours. */
    static final String PID_NS = pidNamespace();

    private final Path dir;
    private final ProcId self;
    /** Which data folder's Groves a mark belongs to: a Grove reaps only what Groves of its own data folder left. */
    private final String folderTag;

    /** A process as the kernel knows it: the pid and when it started (clock ticks since boot). */
    record ProcId(long pid, long start) {
        String text() {
            return pid + "-" + start;
        }

        boolean alive() {
            return startTime(pid).map(s -> s == start).orElse(false);
        }

        static Optional<ProcId> parse(String text) {
            String[] p = text.trim().split("-");
            try {
                return p.length == 2 ? Optional.of(new ProcId(Long.parseLong(p[0]), Long.parseLong(p[1])))
                        : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        static Optional<ProcId> of(long pid) {
            return startTime(pid).map(s -> new ProcId(pid, s));
        }
    }

    Leftovers(Path dir) throws IOException {
        this(dir, ProcId.of(ProcessHandle.current().pid())
                .orElseThrow(() -> new IOException("cannot read /proc/self/stat")));
    }

    /** {@code self}: the Grove whose launches these are (tests give a dead one, to leave something to reap). */
    Leftovers(Path dir, ProcId self) throws IOException {
        this.dir = dir;
        this.self = self;
        this.folderTag = folderTag(dir);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /**
     * The value of {@link #MARK} in every launch's environment: this Grove's pid, start time, PID namespace and data
     * folder ({@link #folderTag}).
     */
    String mark() {
        return self.text() + "-" + PID_NS + "-" + folderTag;
    }

    /**
     * A short tag of the launch-record folder (so of the data folder): Groves of other deployments on the same host,
     * or other test runs, leave their own leftovers alone; each is reaped by the next Grove of its own folder.
     */
    static String folderTag(Path dir) {
        return Integer.toHexString(dir.toAbsolutePath().normalize().toString().hashCode());
    }

    private static String pidNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(); // pid:[4026531836]
            return link.replaceAll("[^0-9]", "");
        } catch (IOException | RuntimeException e) {
            return "0";
        }
    }

    /** Records a started process; best effort (a process that ended already is not recorded). */
    void add(long pid, String label) {
        Optional<ProcId> id = ProcId.of(pid);
        if (id.isEmpty()) return;
        try {
            Files.writeString(file(pid), "owner " + self.text() + "\nprocess " + id.get().text() + "\nlabel "
                    + label.replace('\n', ' ') + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("could not record launch {} (pid {}): {}", label, pid, e.toString());
        }
    }

    void remove(long pid) {
        try {
            Files.deleteIfExists(file(pid));
        } catch (IOException e) {
            log.warn("could not forget launch pid {}: {}", pid, e.toString());
        }
    }

    private Path file(long pid) {
        return dir.resolve(self.text() + "." + pid + SUFFIX);
    }

    /** Kills what Groves that are gone left running; returns a line per killed process (for the log). */
    List<String> reap() {
        List<String> killed = new ArrayList<>();
        Set<Long> done = new java.util.HashSet<>();
        Map<Long, Proc> table = processTable();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                Map<String, String> rec = read(f);
                Optional<ProcId> owner = ProcId.parse(rec.getOrDefault("owner", ""));
                if (owner.isPresent() && !owner.get().equals(self) && owner.get().alive()) continue;
                ProcId proc = ProcId.parse(rec.getOrDefault("process", "")).orElse(null);
                if (proc != null) {
                    for (Proc p : leftBy(proc, table)) {
                        if (done.add(p.pid) && kill(p)) {
                            killed.add(p.describe() + " (" + rec.getOrDefault("label", "?") + ")");
                        }
                    }
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("could not read {}: {}", dir, e.toString());
        }
        // what escaped its record (or was started in the instant before it): the mark in its environment
        Map<String, Boolean> ownerAlive = new HashMap<>();
        for (Proc p : processTable().values()) {
            String m = p.mark();
            if (done.contains(p.pid) || m == null) continue;
            String[] parts = m.split("-");
            // a Grove in another PID namespace (a container's, seen from the host): its pids mean nothing here; a
            // Grove of another data folder: its leftovers are its next start's to reap
            if (parts.length != 4 || !parts[2].equals(PID_NS) || !parts[3].equals(folderTag)) continue;
            String owner = parts[0] + "-" + parts[1];
            if (owner.equals(self.text())) continue;
            boolean alive = ownerAlive.computeIfAbsent(owner, k -> ProcId.parse(k).map(ProcId::alive).orElse(false));
            if (!alive && kill(p)) killed.add(p.describe() + " (marked by a Grove that is gone)");
        }
        return killed;
    }

    /** The recorded process if it still is the same one, its descendants, and the other members of its session. */
    private static List<Proc> leftBy(ProcId root, Map<Long, Proc> table) {
        Set<Proc> out = new LinkedHashSet<>();
        Proc top = table.get(root.pid());
        if (top != null && top.start == root.start()) {
            out.add(top);
            List<Proc> frontier = new ArrayList<>(List.of(top));
            while (!frontier.isEmpty()) {
                Proc parent = frontier.remove(frontier.size() - 1);
                for (Proc c : table.values()) {
                    if (c.ppid == parent.pid && out.add(c)) frontier.add(c);
                }
            }
        }
        // a session id is never given to a new process while a member of that session lives, so the members that
        // started after the recorded process are its own (GROVE_SANDBOX=off: the agent's `setsid`)
        for (Proc c : table.values()) {
            if (c.session == root.pid() && c.start >= root.start()) out.add(c);
        }
        return List.copyOf(out);
    }

    private static boolean kill(Proc p) {
        return ProcessHandle.of(p.pid).map(h -> {
            boolean sent = h.destroyForcibly();
            if (sent) log.warn("killed {}, left running by a Grove that is gone", p.describe());
            return sent;
        }).orElse(false);
    }

    private static Map<String, String> read(Path f) {
        Map<String, String> m = new HashMap<>();
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int sp = line.indexOf(' ');
                if (sp > 0) m.put(line.substring(0, sp), line.substring(sp + 1));
            }
        } catch (IOException e) {
            // unreadable: nothing to go on
        }
        return m;
    }

    /** A live (not zombie) process. */
    record Proc(long pid, long ppid, long session, long start, String command) {
        String describe() {
            return "pid " + pid + " `" + (command.length() > 80 ? command.substring(0, 80) + "…" : command) + "`";
        }

        /** The value of {@link #MARK} in its environment, or null. */
        String mark() {
            try {
                byte[] env = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ"));
                String prefix = MARK + "=";
                for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
                    if (e.startsWith(prefix)) return e.substring(prefix.length());
                }
            } catch (IOException e) {
                // gone, or not ours to read
            }
            return null;
        }
    }

    static Map<Long, Proc> processTable() {
        Map<Long, Proc> out = new HashMap<>();
        long me = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == me) continue;
                String[] f = stat(pid);
                if (f == null || f[0].equals("Z") || f[0].equals("X")) continue;
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ')
                            .trim();
                } catch (IOException e) {
                    cmd = "";
                }
                out.put(pid, new Proc(pid, Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[19]), cmd));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not list /proc: {}", e.toString());
        }
        return out;
    }

    static Optional<Long> startTime(long pid) {
        String[] f = stat(pid);
        if (f == null || f[0].equals("Z") || f[0].equals("X")) return Optional.empty();
        return Optional.of(Long.parseLong(f[19]));
    }

    /** The fields of {@code /proc/<pid>/stat} after the command name: [0] is the state (field 3), [19] field 22. */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.UTF_8);
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            return f.length > 19 ? f : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
