package dev.grove.bench;

import dev.grove.testing.GitFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Grove's benchmarks, each figure next to its floor measured in the same run: {@code bench/run} (see
 * {@code bench/README.md}). Prints one Markdown table per benchmark, headed by the machine's cores and the commit.
 *
 * <pre>
 * Bench [--smoke] [--only intake,durable-intake,heap,rss,scale-out,provisioning,orchestration,sandbox] [--out FILE] [--work DIR]
 *       [--heap-minutes N]
 * </pre>
 * {@code --work} is where repositories, worktrees and servers' data go: by default {@code /dev/shm} (tmpfs) when it
 * exists, because on a shared virtual disk the time of writing 50,000 files swings with other machines' load and
 * drowns what is measured; pass a folder on disk to include the disk.
 * {@code --smoke} runs every benchmark once at its smallest size (what {@code BenchSmokeIT} does).
 * {@code --heap-minutes} is the live-heap benchmark's time budget (default 7): N deliveries are as many as fit it, at
 * most 1,000,000 (over an hour at the ~250 deliveries/s measured on 2 idle cores).
 * Orchestration includes the memory figures: they are read from the same {@code grove serve} process.
 */
public final class Bench {
    public static final List<String> ALL = List.of("intake", "durable-intake", "heap", "rss", "scale-out",
            "provisioning", "orchestration", "sandbox");

    /** What to run and how much. */
    public record Plan(Set<String> only, boolean smoke, Path work, Duration heapBudget) {
        public Plan(Set<String> only, boolean smoke, Path work) {
            this(only, smoke, work, Duration.ofMinutes(7));
        }
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Set<String> only = new LinkedHashSet<>(ALL);
        Path out = null;
        Path workBase = defaultWorkBase();
        Duration heapBudget = Duration.ofMinutes(7);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> workBase = Path.of(args[++i]);
                case "--heap-minutes" -> heapBudget = Duration.ofMinutes(Long.parseLong(args[++i]));
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: Bench [--smoke] [--only intake,durable-intake,heap,rss,scale-out,provisioning,orchestration,sandbox] [--out FILE] [--work DIR] [--heap-minutes N]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(workBase);
        Path work = Files.createTempDirectory(workBase, "grove-bench-");
        try {
            String report = run(new Plan(only, smoke, work, heapBudget), part -> {
                System.out.print(part);
                System.out.flush();
            });
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, report);
            }
        } finally {
            Disk.remove(work);
        }
        System.exit(0);
    }

    /** Runs the selected benchmarks and returns the whole Markdown report. */
    public static String run(Plan plan) throws Exception {
        return run(plan, part -> { });
    }

    /**
     * Runs the selected benchmarks; {@code sink} gets the report piece by piece as it is made (the heading, then
     * each benchmark's tables), so a long run shows its results early. Returns the whole report.
     */
    public static String run(Plan plan, Consumer<String> sink) throws Exception {
        Instant started = Instant.now();
        StringBuilder report = new StringBuilder();
        Consumer<String> emit = part -> {
            report.append(part);
            sink.accept(part);
        };
        emit.accept("## Grove benchmarks" + (plan.smoke() ? " (smoke: smallest sizes, one run)" : "") + "\n\n"
                + "- date: " + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(started.atZone(ZoneOffset.UTC).withNano(0))
                + " UTC\n"
                + "- commit: " + commit() + "\n"
                + "- machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + memTotal() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version") + ", " + GitFixtures.runGit(Path.of("."), "--version") + "\n"
                + "- work folder: " + plan.work().getParent() + " (" + fileSystem(plan.work()) + ")\n"
                + "- load average at start (1, 5, 15 min): " + loadAverage() + "\n\n");
        for (String name : plan.only()) {
            List<MarkdownTable> tables = switch (name) {
                case "intake" -> plan.smoke()
                        ? new IntakeBench(plan.work().resolve("intake"), 4, Duration.ofMillis(500), 50,
                                Duration.ofMillis(500), 1).run()
                        : new IntakeBench(plan.work().resolve("intake"), 16, Duration.ofSeconds(5), 400,
                                Duration.ofSeconds(5), 3).run();
                case "durable-intake" -> plan.smoke()
                        ? new DurableIntakeBench(plan.work().resolve("durable-intake"), 4, Duration.ofMillis(500), 50,
                                Duration.ofMillis(500), Duration.ofMillis(500), 1).run()
                        : new DurableIntakeBench(plan.work().resolve("durable-intake"), 16, Duration.ofSeconds(5), 400,
                                Duration.ofSeconds(10), Duration.ofSeconds(5), 3).run();
                case "heap" -> plan.smoke()
                        ? new DeliveryHeapBench(plan.work().resolve("heap"), 50, 100, 300, Duration.ZERO,
                                Duration.ZERO).run()
                        : new DeliveryHeapBench(plan.work().resolve("heap"), 1_000, 2_000, 1_000_000,
                                plan.heapBudget(), DeliveryHeapBench.AT_REST).run();
                case "rss" -> plan.smoke()
                        ? new ProcessBench(plan.work().resolve("rss")).rss(2, 1.0)
                        : new ProcessBench(plan.work().resolve("rss")).rss(8, 15.0);
                case "scale-out" -> plan.smoke()
                        ? new ProcessBench(plan.work().resolve("scale-out")).scaleOut(2, 1, 1, 1.0)
                        : new ProcessBench(plan.work().resolve("scale-out")).scaleOut(8, 2, 2, 15.0);
                case "provisioning" -> plan.smoke()
                        ? new ProvisioningBench(plan.work().resolve("provisioning"), List.of(200), List.of(1), 20, 1).run()
                        : new ProvisioningBench(plan.work().resolve("provisioning"), List.of(5_000, 50_000),
                                List.of(1, 4, 8, 16), 300, 2).run();
                case "orchestration" -> plan.smoke()
                        ? new OrchestrationBench(plan.work().resolve("orchestration"), List.of(3), 0.5, 1).run()
                        : new OrchestrationBench(plan.work().resolve("orchestration"), List.of(3, 8), 2.0, 5).run();
                case "sandbox" -> plan.smoke()
                        ? new SandboxBench(plan.work().resolve("sandbox"), 50, 1).run()
                        : new SandboxBench(plan.work().resolve("sandbox"), 1_000, 20).run();
                default -> throw new IllegalArgumentException("no benchmark named " + name + "; pick from " + ALL);
            };
            StringBuilder part = new StringBuilder();
            for (MarkdownTable t : tables) part.append(t.render()).append('\n');
            emit.accept(part.toString());
        }
        emit.accept("All benchmarks took " + Duration.between(started, Instant.now()).toSeconds()
                + " s; load average at the end: " + loadAverage() + ".\n");
        return report.toString();
    }

    /** {@code /proc/loadavg}'s first three fields: a busy machine makes every figure slower and noisier. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static Path defaultWorkBase() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (Exception e) {
            return "file system unknown";
        }
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
