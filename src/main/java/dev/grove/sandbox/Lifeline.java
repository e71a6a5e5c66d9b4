package dev.grove.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file that Grove holds an exclusive {@code flock} on for as long as it lives, bound read-only into every sandbox,
 * where a watchdog waits for a shared lock on it ({@link BwrapCommand#WATCHDOG_PART}). The lock is held by a small
 * process of Grove's ({@code flock -x}, then {@code cat} of a pipe Grove never writes), started through
 * {@link Sandbox#guarded} from a thread of its own that lives as long as Grove: it ends when Grove ends, whichever way
 * (its pipe's end closes, and the parent-death signal), and the lock goes with it. Java's own file locks are
 * {@code fcntl} locks, which {@code flock} does not see; hence the process.
 */
final class Lifeline {
    private static final Logger log = LoggerFactory.getLogger(Lifeline.class);

    private final Path file;
    private final long pid;

    private Lifeline(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** The process that holds the lock. */
    long pid() {
        return pid;
    }

    Path file() {
        return file;
    }

    /** Creates {@code file} (readable by the sandboxes' uids) and takes the lock; fails if it cannot. */
    static Lifeline hold(Path file) throws IOException {
        if (!Files.exists(file)) Files.createFile(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CompletableFuture<String> locked = new CompletableFuture<>();
        CompletableFuture<Long> holderPid = new CompletableFuture<>();
        Thread holder = new Thread(() -> {
            Process p;
            try {
                ProcessBuilder pb = new ProcessBuilder(Sandbox.guarded(List.of("/bin/sh", "-c",
                        "exec 9>>\"$1\" && /usr/bin/flock -x 9 && echo locked && exec cat >/dev/null", "grove-lifeline",
                        file.toString()))).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().clear(); // none of Grove's secrets
                pb.environment().put("PATH", "/usr/bin:/bin");
                p = pb.start();
            } catch (IOException e) {
                locked.completeExceptionally(e);
                return;
            }
            holderPid.complete(p.pid());
            // its stdin (p.getOutputStream()) is never written nor closed: cat sees its end only when Grove is gone
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                locked.complete(String.valueOf(out.readLine()));
                p.waitFor(); // this thread must outlive the process: its parent-death signal follows this thread
                log.error("the sandboxes' lifeline (pid {}) ended with {}: running sandboxes' watchdogs kill them",
                        p.pid(), p.exitValue());
            } catch (IOException e) {
                locked.completeExceptionally(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "grove-sandbox-lifeline");
        holder.setDaemon(true);
        holder.start();
        try {
            String said = locked.get(30, TimeUnit.SECONDS);
            if (!"locked".equals(said)) throw new IOException("could not lock " + file + " (flock said " + said + ")");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("could not lock " + file + ": " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("could not lock " + file + " within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while locking " + file);
        }
        return new Lifeline(file, holderPid.getNow(-1L));
    }
}
