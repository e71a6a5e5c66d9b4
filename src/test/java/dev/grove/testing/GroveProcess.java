package dev.grove.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code grove.jar}, started as its own process the way users start it ({@code java -jar grove.jar serve}).
 * End-to-end tests drive this, not {@code target/classes}: a shaded jar once broke every {@code PATCH} while every
 * test on the classes passed.
 *
 * <p>The process gets exactly the environment the test gives it, plus {@code PATH} and {@code HOME}. Its output is
 * kept (and copied to {@code grove-<pid>.log} in the given folder when it ends, for reading after a failure).
 */
public final class GroveProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");
    private static final Pattern ADMIN_PORT = Pattern.compile("admin on port (\\d+)");
    private static final Pattern PENDING = Pattern.compile("(?m)^grove_jobs_pending(?:\\{[^}]*})? ([0-9.eE+-]+)$");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread pump;
    private final Path logDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile int port = -1;
    private volatile int adminPort = -1;

    private GroveProcess(Process process, Path logDir) {
        this.process = process;
        this.logDir = logDir;
        this.pump = new Thread(this::pumpOutput, "grove-process-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** The jar Failsafe names in {@code grove.jar}, else {@code target/grove.jar}. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("grove.jar", "target/grove.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with `mvn -B -DskipTests package` "
                    + "(mvn verify builds it before the integration tests)");
        }
        return jar;
    }

    /** Starts {@code java -jar grove.jar serve} and waits until it listens. */
    public static GroveProcess serve(Map<String, String> env, Path logDir) {
        GroveProcess p = start(env, logDir, "serve");
        p.awaitListening();
        return p;
    }

    /**
     * Starts {@code java <jvmOptions> -jar grove.jar serve} and waits until it listens: the JVM exactly as given (the
     * other methods add options for a quicker start-up), e.g. none, with {@code JDK_JAVA_OPTIONS} in {@code env}.
     */
    public static GroveProcess serve(List<String> jvmOptions, Map<String, String> env, Path logDir) {
        GroveProcess p = start(jvmOptions, env, logDir, "serve");
        p.awaitListening();
        return p;
    }

    /** Starts {@code java -jar grove.jar <args>} without waiting for anything. */
    public static GroveProcess start(Map<String, String> env, Path logDir, String... args) {
        // quicker start-up on small machines; the jar and its code are what users run
        return start(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), env, logDir, args);
    }

    private static GroveProcess start(List<String> jvmOptions, Map<String, String> env, Path logDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> childEnv = pb.environment();
        childEnv.clear();
        Map<String, String> base = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR")) {
            String v = System.getenv(name);
            if (v != null) base.put(name, v);
        }
        childEnv.putAll(base);
        childEnv.putAll(env);
        try {
            Files.createDirectories(logDir);
            return new GroveProcess(pb.start(), logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pumpOutput() {
        try (InputStream in = process.getInputStream()) {
            byte[] buf = new byte[8192];
            StringBuilder line = new StringBuilder();
            for (int n; (n = in.read(buf)) > 0; ) {
                String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                output.append(chunk);
                for (char c : chunk.toCharArray()) {
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    readPorts(line);
                    line.setLength(0);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private void readPorts(CharSequence line) {
        Matcher admin = ADMIN_PORT.matcher(line);
        if (admin.find()) adminPort = Integer.parseInt(admin.group(1));
        Matcher m = PORT.matcher(line);
        if (m.find()) port = Integer.parseInt(m.group(1));
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (port < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("grove exited with " + process.exitValue() + " before it listened:\n"
                        + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("grove did not listen within " + START_TIMEOUT + ":\n" + output());
            }
            sleep(20);
        }
    }

    /** The webhook port. */
    public int port() {
        return port;
    }

    /** Where {@code /metrics} is served: the admin port when the server names one, else the webhook port. */
    public int adminPort() {
        return adminPort > 0 ? adminPort : port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    public String output() {
        return output.toString();
    }

    /** {@code GET path} on the admin port, as text. */
    public HttpResponse<String> getAdmin(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Jobs queued or running, read from the server's {@code grove_jobs_pending} gauge. */
    public int pendingJobs() throws IOException, InterruptedException {
        HttpResponse<String> r = getAdmin("/metrics");
        Matcher m = PENDING.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no grove_jobs_pending in GET /metrics (" + r.statusCode() + ")");
        }
        return (int) Double.parseDouble(m.group(1));
    }

    /** Waits until no job is queued or running; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingJobs() > 0) {
            if (!process.isAlive()) throw new IllegalStateException("grove exited:\n" + output());
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(25);
        }
        return true;
    }

    /** SIGTERM, then waits up to {@code timeout} for the process to end; its exit code, or -1 if it still runs. */
    public int terminate(Duration timeout) {
        process.destroy();
        return waitFor(timeout);
    }

    /** {@code kill -9}: the process gets no chance to clean up. Its children are left as a real crash leaves them. */
    public int kill() {
        process.destroyForcibly();
        return waitFor(Duration.ofSeconds(10));
    }

    private int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return -1;
            pump.join(2000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Stops the process and everything it started, and keeps its output in the log folder. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        if (process.isAlive() && terminate(Duration.ofSeconds(15)) == -1) kill();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            Files.writeString(logDir.resolve("grove-" + process.pid() + ".log"), output());
        } catch (IOException ignored) {
            // the temp folder may be gone already
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
