package dev.grove.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code dockerd} of the test's own (own socket, data root, exec root and pid file under {@code dir}), for tests
 * that build and run Grove's image. No registry is reachable from these machines, so {@link #debianBase} makes the
 * Debian base image with {@code debootstrap} and {@code docker import}. {@code dir} is kept between runs: the base
 * and the image's layers are cached there. One daemon per {@code dir} at a time (a file lock), so parallel builds
 * on one machine wait for each other instead of fighting over the bridge.
 */
public final class DockerDaemon implements AutoCloseable {
    /** The local stand-in for {@code debian:bookworm-slim}. */
    public static final String DEBIAN_BASE = "grove-it/debian:bookworm";
    private static final String FALLBACK_MIRROR = "http://deb.debian.org/debian";

    /** A finished command: exit code and its output (stdout and stderr together). */
    public record Result(int exit, String output) {
        public Result orFail(String what) {
            if (exit != 0) throw new IllegalStateException(what + " failed (exit " + exit + "):\n" + output);
            return this;
        }
    }

    private final Path dir;
    private final String docker;
    private final Process daemon;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DockerDaemon(Path dir, String docker, Process daemon, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.docker = docker;
        this.daemon = daemon;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Why a daemon cannot be started here, or null when it can be tried. */
    public static String whyNot() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("dockerd", "docker", "debootstrap", "tar")) {
            if (which(tool) == null) missing.add(tool);
        }
        if (!missing.isEmpty()) return String.join(", ", missing) + " not on the PATH (Debian: apt-get install docker.io debootstrap)";
        if (!"root".equals(System.getProperty("user.name"))) return "dockerd needs root";
        return null;
    }

    /** Starts the daemon with its state under {@code dir} and waits until it answers. */
    public static DockerDaemon start(Path dir) throws Exception {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = awaitLock(channel, Duration.ofMinutes(15));
        stopLeftover(dir.resolve("docker.pid"));
        ProcessBuilder pb = new ProcessBuilder(which("dockerd").toString(),
                "--host", "unix://" + dir.resolve("docker.sock"),
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile());
        Process daemon = pb.start();
        DockerDaemon d = new DockerDaemon(dir, dockerClient().toString(), daemon, channel, lock);
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            if (!daemon.isAlive()) {
                d.close();
                throw new IllegalStateException("dockerd exited at start:\n" + tail(dir.resolve("dockerd.log")));
            }
            if (d.docker(Duration.ofSeconds(10), "version").exit() == 0) return d;
            if (Instant.now().isAfter(deadline)) {
                d.close();
                throw new IllegalStateException("dockerd did not answer within 60 s:\n" + tail(dir.resolve("dockerd.log")));
            }
            Thread.sleep(500);
        }
    }

    /** Runs the docker CLI against this daemon. */
    public Result docker(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(docker);
        cmd.addAll(List.of(args));
        return run(cmd, timeout);
    }

    /** The Debian bookworm base: made once with debootstrap from the mirror apt uses here, then cached. */
    public void debianBase() throws Exception {
        if (docker(Duration.ofSeconds(30), "image", "inspect", DEBIAN_BASE).exit() == 0) return;
        Path rootfs = dir.resolve("rootfs");
        run(List.of("rm", "-rf", "--one-file-system", rootfs.toString()), Duration.ofMinutes(2));
        String mirror = aptMirror();
        run(List.of(which("debootstrap").toString(), "--variant=minbase", "bookworm", rootfs.toString(), mirror),
                Duration.ofMinutes(15)).orFail("debootstrap bookworm from " + mirror);
        // The host's own extra CAs (e.g. a TLS-intercepting proxy's): the image's ca-certificates picks them up, as a
        // user behind such a proxy would add them to the base.
        Path hostCas = Path.of("/usr/local/share/ca-certificates");
        Path cas = Files.createDirectories(rootfs.resolve("usr/local/share/ca-certificates"));
        if (Files.isDirectory(hostCas)) {
            try (Stream<Path> files = Files.list(hostCas)) {
                for (Path ca : files.filter(f -> f.toString().endsWith(".crt")).toList()) {
                    Files.copy(ca, cas.resolve(ca.getFileName()));
                }
            }
        }
        run(List.of("sh", "-c", "tar -C \"$1\" -c . | \"$2\" import - \"$3\"", "sh", rootfs.toString(), docker, DEBIAN_BASE),
                Duration.ofMinutes(5)).orFail("docker import");
        run(List.of("rm", "-rf", "--one-file-system", rootfs.toString()), Duration.ofMinutes(2));
    }

    /**
     * The bridge's gateway address: how a container reaches a server on this host. dockerd's IPAM config names it, but
     * it was seen empty once (a clean-clone CI run on a loaded machine), so the host's own address on the bridge
     * ({@code docker0}, which is the gateway) answers then.
     */
    public String gateway() throws java.net.SocketException {
        String fromIpam = docker(Duration.ofSeconds(30), "network", "inspect", "bridge", "--format",
                "{{(index .IPAM.Config 0).Gateway}}").orFail("docker network inspect").output().trim();
        if (!fromIpam.isEmpty() && !fromIpam.equals("<no value>")) return fromIpam;
        java.net.NetworkInterface bridge = java.net.NetworkInterface.getByName("docker0");
        if (bridge != null) {
            for (java.net.InetAddress a : java.util.Collections.list(bridge.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) return a.getHostAddress();
            }
        }
        throw new IllegalStateException("the bridge network names no gateway and docker0 has no IPv4 address:\n"
                + tail(dir.resolve("dockerd.log")));
    }

    /** The first Debian mirror in apt's sources that serves bookworm itself (not -security). */
    static String aptMirror() throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(Path.of("/etc/apt/sources.list"))) files.add(Path.of("/etc/apt/sources.list"));
        Path d = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                s.filter(f -> f.toString().endsWith(".list") || f.toString().endsWith(".sources")).sorted().forEach(files::add);
            }
        }
        for (Path f : files) {
            String text = Files.readString(f);
            if (f.toString().endsWith(".sources")) {
                for (String stanza : text.split("\n\\s*\n")) {
                    String uris = field(stanza, "URIs");
                    String suites = field(stanza, "Suites");
                    if (uris != null && suites != null && List.of(suites.split("\\s+")).contains("bookworm")) {
                        return uris.split("\\s+")[0];
                    }
                }
            } else {
                for (String line : text.split("\n")) {
                    String[] w = line.trim().replaceAll("\\[[^]]*]", "").trim().split("\\s+");
                    if (w.length >= 3 && w[0].equals("deb") && w[2].equals("bookworm")) return w[1];
                }
            }
        }
        return FALLBACK_MIRROR;
    }

    private static String field(String stanza, String name) {
        for (String line : stanza.split("\n")) {
            if (line.startsWith(name + ":")) return line.substring(name.length() + 1).trim();
        }
        return null;
    }

    @Override
    public void close() {
        daemon.destroy();
        try {
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result run(List<String> cmd, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"));
            env.put("DOCKER_BUILDKIT", "1");
            Path out = Files.createTempFile("docker-", ".log");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            if (!done) throw new IllegalStateException(String.join(" ", cmd) + " took over " + timeout + ":\n" + output);
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static FileLock awaitLock(FileChannel channel, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) return lock;
            if (Instant.now().isAfter(deadline)) throw new IllegalStateException("another Docker test held the lock for " + timeout);
            Thread.sleep(1000);
        }
    }

    /** A daemon left by an earlier run that was killed: it is ours (our pid file, under our lock), so stop it. */
    private static void stopLeftover(Path pidFile) throws Exception {
        if (!Files.exists(pidFile)) return;
        String pid = Files.readString(pidFile).trim();
        Path comm = Path.of("/proc", pid, "comm");
        if (!pid.matches("\\d+") || !Files.exists(comm) || !Files.readString(comm).trim().equals("dockerd")) return;
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    /** The CLI shipped with the daemon (Debian's docker.io puts both in /usr), else the first {@code docker} on the PATH. */
    private static Path dockerClient() {
        Path dockerd = which("dockerd");
        for (Path candidate : List.of(dockerd.resolveSibling("docker"), Path.of("/usr/bin/docker"))) {
            if (Files.isExecutable(candidate)) return candidate;
        }
        return which("docker");
    }

    private static Path which(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p;
        }
        for (String d : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
