package dev.grove.bench;

import dev.grove.sandbox.Launch;
import dev.grove.sandbox.NetworkPolicy;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's start-up cost per task: the time {@link Sandbox#run} takes for a process that does nothing
 * ({@code /bin/true}) in a worktree of {@code files} files, sandboxed (no network; {@code allow}, which adds Grove's
 * proxy and socat inside) beside the same launch unsandboxed ({@code GROVE_SANDBOX=off}: {@code setsid}), in the same
 * run, alternating. Where Grove runs as root, a worktree is handed to its sandbox's uid ({@code chown -R}) at its
 * first launch only: the repeated launches measure what every later launch costs (a check of the worktree's owner),
 * and a separate row measures a first launch (the worktree given back to root before each).
 */
final class SandboxBench {
    private final Path work;
    private final int files;
    private final int runs;

    SandboxBench(Path work, int files, int runs) {
        this.work = work;
        this.files = files;
        this.runs = runs;
    }

    List<MarkdownTable> run() throws IOException {
        Path worktree = Files.createDirectories(work.resolve("worktree"));
        for (int i = 0; i < files; i++) {
            Path f = worktree.resolve("src/d" + (i % 20) + "/f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i + "\n");
        }
        Sandbox on = new Sandbox(SandboxSettings.fromEnv(Map.of("GROVE_SANDBOX", "on"), List.of(work.resolve("data"))));
        Sandbox off = new Sandbox(SandboxSettings.fromEnv(Map.of("GROVE_SANDBOX", "off"), List.of()));
        if (on.problem().isPresent()) {
            throw new IllegalStateException("the sandbox cannot start here: " + on.problem().get());
        }
        Launch launch = Launch.of("bench", List.of("/bin/true"), worktree,
                Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"), Duration.ofSeconds(60), work.resolve("task/agent.log"));
        Launch allow = launch.withNetwork(NetworkPolicy.allow(List.of("api.anthropic.com")));
        Stats plain = new Stats();
        Stats none = new Stats();
        Stats proxied = new Stats();
        Stats first = new Stats();
        time(off, launch); // warm-up: class loading, the sandbox's runtime folder
        time(on, launch);
        time(on, allow);
        for (int i = 0; i < runs; i++) {
            plain.add(time(off, launch));
            none.add(time(on, launch));
            proxied.add(time(on, allow));
            if (on.dropsToOwnUid() && i % 4 == 0) {
                giveBackToRoot(worktree);
                first.add(time(on, launch));
            }
        }
        MarkdownTable t = new MarkdownTable("Sandbox start-up per task", "launch", "ms", "vs unsandboxed");
        t.row("unsandboxed (`GROVE_SANDBOX=off`: setsid)", plain.show("%.1f"), "1.00×");
        t.row("sandbox, network none", none.show("%.1f"), Stats.ratio(none, plain));
        t.row("sandbox, network allow (proxy + socat)", proxied.show("%.1f"), Stats.ratio(proxied, plain));
        if (on.dropsToOwnUid()) {
            t.row("sandbox, network none, first launch in a worktree (`chown -R` to its uid)", first.show("%.1f"),
                    Stats.ratio(first, plain));
        }
        t.note("`Sandbox.run` of `/bin/true` in a worktree of " + files + " files, start to exit, " + runs
                + " runs each, alternating; " + (on.dropsToOwnUid()
                        ? "Grove runs as root here: a worktree is handed to its sandbox's uid (`chown -R`) at its first launch"
                                + " only (the last row, every 4th round, the worktree given back to root before it); the"
                                + " other launches check the worktree's owner only"
                        : "Grove is not root here: the sandbox keeps its uid in a user namespace (no chown)")
                + ". Sandbox extra per task: " + String.format(java.util.Locale.ROOT, "%.1f ms",
                        none.median() - plain.median()) + " (none), " + String.format(java.util.Locale.ROOT, "%.1f ms",
                        proxied.median() - plain.median()) + " (allow); the aim is under 50 ms.");
        return List.of(t);
    }

    private static void giveBackToRoot(Path dir) throws IOException {
        try {
            new ProcessBuilder("chown", "-R", "-h", "0:0", "--", dir.toString()).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double time(Sandbox sandbox, Launch launch) {
        long t0 = System.nanoTime();
        Sandbox.Result r = sandbox.run(launch);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.ending() != Sandbox.Ending.EXITED || r.exitCode() != 0) {
            throw new IllegalStateException("the benchmark's launch failed: " + r);
        }
        return ms;
    }
}
