package dev.grove.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Disk use and removal of the benchmarks' folders, with the same tools a person would use: {@code du}, {@code rm}. */
final class Disk {
    private Disk() {
    }

    /** Kibibytes used on disk by these folders together ({@code du -skc}: hard links counted once). */
    static long kib(Path... dirs) {
        List<String> command = new ArrayList<>(List.of("du", "-skc"));
        for (Path d : dirs) if (Files.exists(d)) command.add(d.toString());
        if (command.size() == 2) return 0;
        String[] lines = run(command.toArray(String[]::new)).split("\n");
        return Long.parseLong(lines[lines.length - 1].split("\\s+")[0]);
    }

    /** {@code rm -rf dir} (much faster than walking 50,000 files from Java). */
    static void remove(Path dir) {
        if (Files.exists(dir)) run("rm", "-rf", dir.toString());
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
