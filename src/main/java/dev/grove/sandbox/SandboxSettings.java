package dev.grove.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How Grove sandboxes the processes it starts, from the environment:
 * <ul>
 * <li>{@code GROVE_SANDBOX}: {@code on} (default) or {@code off} (unsandboxed; logged loudly, shown on every tracking
 * comment);</li>
 * <li>{@code GROVE_SANDBOX_UID}: where Grove runs as root, the first uid of the sandboxes (default 10001; each running
 * sandbox gets its own uid from there);</li>
 * <li>{@code GROVE_SANDBOX_MEMORY}: the data-segment limit of each process in a sandbox (default {@code 4g});</li>
 * <li>{@code GROVE_SANDBOX_PROCESSES}: at most this many processes in one sandbox (default 512);</li>
 * <li>{@code GROVE_SANDBOX_RO_BIND} / {@code GROVE_SANDBOX_BIND}: further folders, {@code :}-separated, that every
 * sandbox sees read-only / read-write (e.g. a shared build cache); never the data folder, the App key or Grove's
 * HOME itself.</li>
 * </ul>
 * {@code hidden} are the paths no sandbox may ever see (the data folder, the App key, Grove's HOME).
 */
public record SandboxSettings(boolean enabled, int firstUid, long memoryBytes, int maxProcesses, long logCapBytes,
        List<Path> readOnlyBinds, List<Path> readWriteBinds, List<Path> hidden) {

    public static final long DEFAULT_LOG_CAP = 20L * 1024 * 1024;

    public SandboxSettings {
        readOnlyBinds = List.copyOf(readOnlyBinds);
        readWriteBinds = List.copyOf(readWriteBinds);
        hidden = List.copyOf(hidden.stream().map(p -> p.toAbsolutePath().normalize()).toList());
    }

    /**
     * @param hidden the data folder and the key file ({@code GROVE_DATA_DIR}, {@code GROVE_PRIVATE_KEY_FILE} are
     *               added when set); Grove's own HOME is always hidden
     * @throws IllegalArgumentException listing what to fix
     */
    public static SandboxSettings fromEnv(Map<String, String> env, List<Path> hidden) {
        List<String> problems = new ArrayList<>();
        String mode = env.getOrDefault("GROVE_SANDBOX", "on").trim().toLowerCase(Locale.ROOT);
        boolean enabled = switch (mode) {
            case "on", "", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> {
                problems.add("GROVE_SANDBOX must be `on` or `off`, not '" + mode + "'");
                yield true;
            }
        };
        int uid = 10001;
        try {
            if (env.get("GROVE_SANDBOX_UID") != null) uid = Integer.parseInt(env.get("GROVE_SANDBOX_UID").trim());
            if (uid < 1000) problems.add("GROVE_SANDBOX_UID must be 1000 or more (an unused uid), not " + uid);
        } catch (NumberFormatException e) {
            problems.add("GROVE_SANDBOX_UID must be a number (an unused uid, e.g. 10001)");
        }
        long memory = 4L << 30;
        try {
            if (env.get("GROVE_SANDBOX_MEMORY") != null) memory = bytes(env.get("GROVE_SANDBOX_MEMORY"));
        } catch (IllegalArgumentException e) {
            problems.add("GROVE_SANDBOX_MEMORY: " + e.getMessage());
        }
        int procs = 512;
        try {
            if (env.get("GROVE_SANDBOX_PROCESSES") != null) procs = Integer.parseInt(env.get("GROVE_SANDBOX_PROCESSES").trim());
            if (procs < 8) problems.add("GROVE_SANDBOX_PROCESSES must be at least 8");
        } catch (NumberFormatException e) {
            problems.add("GROVE_SANDBOX_PROCESSES must be a whole number, e.g. 512");
        }
        List<Path> allHidden = new ArrayList<>(hidden);
        allHidden.add(Path.of(System.getProperty("user.home")));
        for (String name : List.of("GROVE_DATA_DIR", "GROVE_PRIVATE_KEY_FILE")) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) allHidden.add(Path.of(v));
        }
        List<Path> ro = paths(env.get("GROVE_SANDBOX_RO_BIND"));
        List<Path> rw = paths(env.get("GROVE_SANDBOX_BIND"));
        for (Path p : concat(ro, rw)) {
            String why = exposes(p, allHidden);
            if (why != null) problems.add("GROVE_SANDBOX_BIND / GROVE_SANDBOX_RO_BIND: " + p + " " + why);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new SandboxSettings(enabled, uid, memory, procs, DEFAULT_LOG_CAP, ro, rw, allHidden);
    }

    /** Why binding {@code p} would show a hidden path, or null. Inside Grove's HOME is fine; HOME itself is not. */
    static String exposes(Path p, List<Path> hidden) {
        Path a = p.toAbsolutePath().normalize();
        for (Path h : hidden) {
            if (h.startsWith(a)) return "would show " + h + ", which no sandbox may see";
            if (a.startsWith(h) && !h.equals(Path.of(System.getProperty("user.home")).toAbsolutePath().normalize())) {
                return "is inside " + h + ", which no sandbox may see";
            }
        }
        return null;
    }

    /** Whether {@code p} is one of the hidden paths, inside one, or holds one. */
    public boolean isHidden(Path p) {
        Path a = p.toAbsolutePath().normalize();
        for (Path h : hidden) {
            if (a.startsWith(h) || h.startsWith(a)) return true;
        }
        return false;
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Path> paths(String v) {
        if (v == null || v.isBlank()) return List.of();
        return Arrays.stream(v.split(":")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    static long bytes(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) unit = 1L << 10;
        else if (s.endsWith("m")) unit = 1L << 20;
        else if (s.endsWith("g")) unit = 1L << 30;
        if (unit > 1) s = s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(s.trim());
            if (n <= 0) throw new NumberFormatException();
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a size such as 4g, 512m or 1073741824 bytes, not '" + v + "'");
        }
    }
}
