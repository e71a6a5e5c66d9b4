package dev.grove.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@code bwrap} command line of one launch (see {@link Sandbox} for what it gives). Pure apart from stat calls. */
final class BwrapCommand {
    private static final List<String> ETC = List.of("/etc/alternatives", "/etc/ssl", "/etc/ca-certificates",
            "/etc/ca-certificates.conf", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
            "/etc/nsswitch.conf", "/etc/hosts", "/etc/host.conf", "/etc/mime.types", "/etc/maven", "/etc/os-release",
            "/etc/debian_version", "/etc/timezone", "/etc/protocols", "/etc/services");
    private static final List<String> ROOT_LINKS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
    /**
     * Starts socat (loopback port -> the proxy's socket) and waits until it listens (127.0.0.1:3128, state LISTEN, in
     * the sandbox's own {@code /proc/net/tcp}). The check uses the shell's builtins only, first without pausing (socat
     * listens within milliseconds), then every 10 ms, for 5 s at most: no {@code grep} or {@code sleep} process per try.
     */
    static final String PROXY_PART = "socat TCP-LISTEN:" + Sandbox.PROXY_PORT_INSIDE
            + ",bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:" + Sandbox.PROXY_SOCKET_INSIDE
            + " </dev/null >/dev/null 2>&1 &\n"
            + "i=0; while [ $i -lt 700 ]; do\n"
            + "  while read -r _ a _ st _; do [ \"$a $st\" = '0100007F:0C38 0A' ] && break 2; done </proc/net/tcp\n"
            + "  i=$((i+1)); [ $i -gt 200 ] && sleep 0.01\n"
            + "done\n";
    /**
     * The watchdog: waits for a shared lock on Grove's lifeline, which Grove holds exclusively while it lives, then
     * kills every process of the sandbox. It matters only if bubblewrap's own parent-death signal was never armed:
     * bubblewrap's PID 1 arms it only after setting the sandbox up, so a Grove killed during that set-up would leave
     * the sandbox running without it.
     */
    static final String WATCHDOG_PART = "( exec 9<" + Sandbox.LIFELINE_INSIDE + " && /usr/bin/flock -s 9 && kill -9 -1 )"
            + " </dev/null >/dev/null 2>&1 &\n";

    private BwrapCommand() {
    }

    /** The toolchain, read-only: {@code /usr}, the root's links into it, the few files of {@code /etc} tools read. */
    static List<String> toolchain() {
        List<String> a = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr", "--dir", "/etc"));
        for (String d : ROOT_LINKS) {
            Path p = Path.of(d);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), d));
                } catch (IOException ignored) {
                    // unreadable link: left out
                }
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", d, d));
            }
        }
        List<String> etc = new ArrayList<>(ETC);
        try (DirectoryStream<Path> java = Files.newDirectoryStream(Path.of("/etc"), "java*")) {
            java.forEach(p -> etc.add(p.toString()));
        } catch (IOException ignored) {
            // no /etc/java-*
        }
        for (String e : etc) {
            if (Files.exists(Path.of(e))) a.addAll(List.of("--ro-bind", e, e));
        }
        return a;
    }

    /**
     * @param uid         the sandbox's own uid (Grove is root), or -1 (a user namespace keeps Grove's uid)
     * @param proxySocket Grove's proxy socket for {@code allow}, or null
     * @param commonDir   the worktree's git common dir (checked), or null
     */
    static List<String> build(String bwrap, Launch launch, SandboxSettings settings, List<String> toolchain, Path runtime, int uid,
            Path proxySocket, Path commonDir) {
        return build(bwrap, launch, settings, toolchain, runtime, uid, proxySocket, commonDir, null);
    }

    /** @param lifeline the file Grove holds locked while it lives (see {@link #WATCHDOG_PART}), or null */
    static List<String> build(String bwrap, Launch launch, SandboxSettings settings, List<String> toolchain, Path runtime, int uid,
            Path proxySocket, Path commonDir, Path lifeline) {
        List<String> a = new ArrayList<>(List.of(bwrap, "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grove-sandbox"));
        if (launch.network().mode() != NetworkPolicy.Mode.OPEN) a.add("--unshare-net");
        if (uid >= 0) {
            // real root: mounts are made with root's rights, then setpriv (inside) drops to the sandbox's uid
            a.addAll(List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"));
        } else {
            a.addAll(List.of("--unshare-user", "--disable-userns"));
        }
        a.addAll(toolchain);
        a.addAll(List.of("--ro-bind", runtime.resolve("passwd").toString(), "/etc/passwd"));
        a.addAll(List.of("--ro-bind", runtime.resolve("group").toString(), "/etc/group"));
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        a.addAll(List.of("--perms", "1777", "--tmpfs", "/tmp"));
        a.addAll(List.of("--dir", "/home", "--perms", "0777", "--dir", Sandbox.HOME));
        a.addAll(List.of("--ro-bind", runtime.resolve("gitconfig").toString(), Sandbox.HOME + "/.gitconfig"));

        Set<Path> made = new LinkedHashSet<>(List.of(Path.of("/"), Path.of("/tmp"), Path.of("/home"),
                Path.of(Sandbox.HOME), Path.of("/proc"), Path.of("/dev"), Path.of("/etc")));
        List<Bind> binds = new ArrayList<>();
        for (Path p : extraToolPaths(launch, settings)) binds.add(new Bind(p, false));
        for (Path p : settings.readOnlyBinds()) binds.add(new Bind(p, false));
        for (Path p : settings.readWriteBinds()) binds.add(new Bind(p, true));
        if (commonDir != null) binds.add(new Bind(commonDir, false));
        binds.add(new Bind(launch.workDir(), true));
        for (Path p : launch.writable()) binds.add(new Bind(p, true));
        for (Path p : launch.readable()) binds.add(new Bind(p, false));
        binds.sort(Comparator.comparingInt(b -> b.path.getNameCount()));
        Set<Path> seen = new LinkedHashSet<>();
        for (Bind b : binds) {
            if (!seen.add(b.path) || covered(b.path, toolchain)) continue;
            if (!Files.exists(b.path) && !b.path.equals(launch.workDir())) continue;
            parents(b.path, made, a);
            a.addAll(List.of(b.writable ? "--bind" : "--ro-bind", b.path.toString(), b.path.toString()));
        }
        if (proxySocket != null || lifeline != null) a.addAll(List.of("--dir", "/run", "--dir", "/run/grove"));
        if (proxySocket != null) a.addAll(List.of("--bind", proxySocket.toString(), Sandbox.PROXY_SOCKET_INSIDE));
        if (lifeline != null) a.addAll(List.of("--ro-bind", lifeline.toString(), Sandbox.LIFELINE_INSIDE));
        a.addAll(List.of("--chdir", launch.workDir().toAbsolutePath().normalize().toString(), "--"));
        if (uid >= 0) {
            a.addAll(List.of("/usr/bin/setpriv", "--reuid", String.valueOf(uid), "--regid", String.valueOf(uid),
                    "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"));
        }
        a.addAll(List.of("/usr/bin/prlimit", "--nproc=" + settings.maxProcesses(), "--data=" + settings.memoryBytes(),
                "--core=0", "--"));
        if (proxySocket != null || lifeline != null) {
            a.addAll(List.of("/bin/sh", "-c", (lifeline != null ? WATCHDOG_PART : "")
                    + (proxySocket != null ? PROXY_PART : "") + "exec \"$@\"\n", "grove-sandbox"));
        }
        a.addAll(launch.command());
        return a;
    }

    private record Bind(Path path, boolean writable) {
        Bind {
            path = path.toAbsolutePath().normalize();
        }
    }

    /** The PATH's folders and JAVA_HOME outside {@code /usr}, unless they are (or hold) something hidden. */
    static List<Path> extraToolPaths(Launch launch, SandboxSettings settings) {
        List<Path> out = new ArrayList<>();
        String path = launch.env().get("PATH");
        if (path != null) {
            for (String e : path.split(":")) {
                if (e.startsWith("/")) out.add(Path.of(e));
            }
        }
        String javaHome = launch.env().get("JAVA_HOME");
        if (javaHome != null && javaHome.startsWith("/")) out.add(Path.of(javaHome));
        return out.stream().map(p -> p.toAbsolutePath().normalize())
                .filter(p -> Files.isDirectory(p) && !settings.isHidden(p) && !p.equals(Path.of("/")))
                .filter(p -> !p.startsWith("/proc") && !p.startsWith("/sys") && !p.startsWith("/dev"))
                .toList();
    }

    private static boolean covered(Path p, List<String> toolchain) {
        for (int i = 0; i + 2 < toolchain.size(); i++) {
            String flag = toolchain.get(i);
            if ((flag.equals("--ro-bind") || flag.equals("--symlink")) && p.startsWith(toolchain.get(i + 2))) {
                return true;
            }
        }
        return false;
    }

    /** {@code --dir} for each missing parent, so every folder on the way is 0755 (searchable by the sandbox's uid). */
    private static void parents(Path p, Set<Path> made, List<String> a) {
        List<Path> chain = new ArrayList<>();
        for (Path q = p.getParent(); q != null && !made.contains(q); q = q.getParent()) {
            chain.add(0, q);
        }
        for (Path q : chain) {
            a.addAll(List.of("--dir", q.toString()));
            made.add(q);
        }
        made.add(p);
    }
}
