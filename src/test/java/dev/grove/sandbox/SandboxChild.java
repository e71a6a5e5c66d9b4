package dev.grove.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for Grove in its own JVM, for {@link SandboxIT}: runs one sandbox whose processes carry {@code args[1]}
 * in their environment (double forks included), prints {@code started} once they run, and waits to be killed.
 */
public final class SandboxChild {
    private SandboxChild() {
    }

    public static void main(String[] args) {
        Path worktree = Path.of(args[0]);
        Sandbox.system().run(Launch.of("child", List.of("/bin/sh", "-c",
                "( setsid sh -c 'sleep 300' & ) ; sleep 300 & echo up; sleep 300"), worktree,
                Map.of("PATH", "/usr/bin:/bin", "GROVE_TEST_MARKER", args[1]), Duration.ofMinutes(5),
                worktree.resolveSibling("child.log")).withOutput(line -> {
                    if (line.equals("up")) {
                        System.out.println("started");
                        System.out.flush();
                    }
                }));
    }
}
