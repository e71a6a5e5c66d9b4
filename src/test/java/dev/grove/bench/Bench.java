package dev.grove.bench;

import dev.grove.testing.GitFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Grove's benchmarks, each figure next to its floor measured in the same run: {@code bench/run} (see
 * {@code bench/README.md}). Prints one Markdown table per benchmark, headed by the machine's cores and the commit.
 *
 * <pre>
 * Bench [--smoke] [--only intake,provisioning,orchestration] [--out FILE]
 * </pre>
 * {@code --smoke} runs every benchmark once at its smallest size (what {@code BenchSmokeIT} does).
 * Orchestration includes the memory figures: they are read from the same {@code grove serve} process.
 */
public final class Bench {
    public static final List<String> ALL = List.of("intake", "provisioning", "orchestration");

    /** What to run and how much. */
    public record Plan(Set<String> only, boolean smoke, Path work) {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Set<String> only = new LinkedHashSet<>(ALL);
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: Bench [--smoke] [--only intake,provisioning,orchestration] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        Path work = Files.createTempDirectory("grove-bench-");
        try {
            String report = run(new Plan(only, smoke, work));
            System.out.println(report);
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, report);
            }
        } finally {
            GitFixtures.deleteRecursively(work);
        }
        System.exit(0);
    }

    /** Runs the selected benchmarks and returns the whole Markdown report. */
    public static String run(Plan plan) throws Exception {
        Instant started = Instant.now();
        List<MarkdownTable> tables = new ArrayList<>();
        for (String name : plan.only()) {
            switch (name) {
                case "intake" -> tables.addAll(plan.smoke()
                        ? new IntakeBench(plan.work().resolve("intake"), 4, Duration.ofMillis(500), 50,
                                Duration.ofMillis(500), 1).run()
                        : new IntakeBench(plan.work().resolve("intake"), 16, Duration.ofSeconds(5), 400,
                                Duration.ofSeconds(5), 3).run());
                case "provisioning" -> tables.addAll(plan.smoke()
                        ? new ProvisioningBench(plan.work().resolve("provisioning"), List.of(200), List.of(1), 20, 1).run()
                        : new ProvisioningBench(plan.work().resolve("provisioning"), List.of(5_000, 50_000),
                                List.of(1, 4, 8, 16), 300, 2).run());
                case "orchestration" -> tables.addAll(plan.smoke()
                        ? new OrchestrationBench(plan.work().resolve("orchestration"), List.of(3), 0.2, 1).run()
                        : new OrchestrationBench(plan.work().resolve("orchestration"), List.of(3, 8), 2.0, 5).run());
                default -> throw new IllegalArgumentException("no benchmark named " + name + "; pick from " + ALL);
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("## Grove benchmarks").append(plan.smoke() ? " (smoke: smallest sizes, one run)" : "").append("\n\n");
        s.append("- date: ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(started.atZone(ZoneOffset.UTC)
                .withNano(0))).append(" UTC, took ").append(Duration.between(started, Instant.now()).toSeconds())
                .append(" s\n");
        s.append("- commit: ").append(commit()).append('\n');
        s.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(memTotal()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.arch")).append(", Java ").append(System.getProperty("java.version"))
                .append(", ").append(GitFixtures.runGit(Path.of("."), "--version")).append("\n\n");
        for (MarkdownTable t : tables) s.append(t.render()).append('\n');
        return s.toString();
    }

    static void progress(String message) {
        System.err.println("[bench] " + message);
    }

    private static String commit() {
        GitFixtures.GitResult head = GitFixtures.tryGit(Path.of("."), "rev-parse", "--short=10", "HEAD");
        if (head.exitCode() != 0) return "unknown (not a git checkout)";
        GitFixtures.GitResult dirty = GitFixtures.tryGit(Path.of("."), "status", "--porcelain", "--untracked-files=no");
        return head.stdout().strip() + (dirty.stdout().isBlank() ? "" : " (with uncommitted changes)");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format(java.util.Locale.ROOT, "%.1f GiB RAM", kib / 1024.0 / 1024.0);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return "RAM unknown";
    }
}
