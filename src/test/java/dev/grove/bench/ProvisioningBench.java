package dev.grove.bench;

import dev.grove.git.CachedRepo;
import dev.grove.git.JGitClient;
import dev.grove.git.Worktree;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Worktree provisioning on generated repositories. For each size and N, in one run and in this order:
 * <ul>
 * <li><b>Grove</b>: {@link JGitClient#sync} of its cached clone (a fetch bringing one new commit), then N
 * {@link JGitClient#addWorktree} at once on N threads, as {@code IssueRunner} starts N tasks at max_parallel = N;
 * <li><b>floor</b>: the same with the plain git CLI, one after the other: {@code git fetch} into a bare clone, then
 * a loop of {@code git worktree add --no-track -b};
 * <li><b>naive</b>: N independent {@code git clone}s over {@code file://}, one after the other.
 * </ul>
 * Disk is what N ready tasks occupy: the cache plus its worktrees (Grove, floor), or the N clones. First-time cost
 * is the cold clone into an empty cache: {@code JGitClient.sync} versus {@code git clone --bare}.
 */
public final class ProvisioningBench {
    static final RepoRef REPO = new RepoRef("bench", "generated");

    private final Path work;
    private final List<Integer> sizes;
    private final List<Integer> tasks;
    private final int commits;
    private final int runs;

    public ProvisioningBench(Path work, List<Integer> sizes, List<Integer> tasks, int commits, int runs) {
        this.work = work;
        this.sizes = sizes;
        this.tasks = tasks;
        this.commits = commits;
        this.runs = runs;
    }

    public List<MarkdownTable> run() throws Exception {
        MarkdownTable first = new MarkdownTable("Provisioning: first time (clone into the cache)",
                "files", "Grove: JGitClient.sync, empty cache (s)", "floor: git clone --bare (s)", "ratio",
                "cache on disk (MB)");
        MarkdownTable warm = new MarkdownTable("Provisioning: warm (fetch + N worktrees)",
                "files", "N", "Grove: sync + N× addWorktree (s)", "floor: git fetch + worktree add loop (s)", "ratio",
                "naive: N× git clone (s)", "naive / Grove", "disk Grove (MB)", "disk floor (MB)", "disk naive (MB)");
        for (int files : sizes) {
            Path dir = work.resolve("repo-" + files);
            Files.createDirectories(dir);
            Bench.progress("provisioning: generating " + files + " files, " + commits + " commits");
            Path origin = RepoGenerator.generate(dir.resolve("origin.git"), files, commits);
            String url = GitFixtures.fileUrl(origin);

            if (files == sizes.get(0)) { // load and compile JGit's clone path once, so run 1 is not a JVM warm-up
                Path warmUp = dir.resolve("jvm-warm-up");
                new JGitClient(warmUp).sync(REPO, url, null);
                Disk.remove(warmUp);
            }
            Stats groveCold = new Stats();
            Stats floorCold = new Stats();
            Stats cacheDisk = new Stats();
            for (int r = 0; r < runs; r++) {
                Path cache = dir.resolve("cold-grove-" + r);
                long t0 = System.nanoTime();
                CachedRepo clone = new JGitClient(cache).sync(REPO, url, null);
                groveCold.add(seconds(t0));
                cacheDisk.add(Disk.kib(clone.gitDir()) / 1024.0);
                Disk.remove(cache);
                Path bare = dir.resolve("cold-floor-" + r + ".git");
                t0 = System.nanoTime();
                GitFixtures.runGit(dir, "clone", "--quiet", "--bare", url, bare.toString());
                floorCold.add(seconds(t0));
                Disk.remove(bare);
            }
            first.row(String.format(Locale.ROOT, "%,d", files), groveCold.show("%.2f"), floorCold.show("%.2f"),
                    Stats.ratio(groveCold, floorCold), cacheDisk.show("%.1f"));

            // the warm caches: Grove's own (made by Grove) and the floor's bare clone
            JGitClient git = new JGitClient(dir.resolve("cache"));
            git.sync(REPO, url, null);
            Path floorBare = dir.resolve("floor.git");
            GitFixtures.runGit(dir, "clone", "--quiet", "--bare", url, floorBare.toString());
            int seq = 0;
            for (int n : tasks) {
                Stats grove = new Stats();
                Stats floor = new Stats();
                Stats naive = new Stats();
                Stats groveDisk = new Stats();
                Stats floorDisk = new Stats();
                Stats naiveDisk = new Stats();
                for (int r = 0; r < runs; r++) {
                    Bench.progress("provisioning: " + files + " files, N=" + n + ", run " + (r + 1) + "/" + runs);
                    RepoGenerator.addCommit(origin, ++seq);
                    Path wts = dir.resolve("wt-grove");
                    long t0 = System.nanoTime();
                    List<Worktree> made = groveProvision(git, url, n, wts, seq);
                    grove.add(seconds(t0));
                    groveDisk.add(Disk.kib(made.get(0).repo().gitDir(), wts) / 1024.0);
                    for (Worktree wt : made) git.removeWorktree(wt, true);

                    Path fwts = dir.resolve("wt-floor");
                    t0 = System.nanoTime();
                    floorProvision(floorBare, n, fwts, seq);
                    floor.add(seconds(t0));
                    floorDisk.add(Disk.kib(floorBare, fwts) / 1024.0);
                    Disk.remove(fwts);
                    GitFixtures.runGit(floorBare, "worktree", "prune");
                    for (int i = 0; i < n; i++) GitFixtures.runGit(floorBare, "branch", "-D", "task-" + seq + "-" + i);

                    Path clones = dir.resolve("clones");
                    t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        GitFixtures.runGit(dir, "clone", "--quiet", url, clones.resolve("c" + i).toString());
                    }
                    naive.add(seconds(t0));
                    naiveDisk.add(Disk.kib(clones) / 1024.0);
                    Disk.remove(clones);
                }
                warm.row(String.format(Locale.ROOT, "%,d", files), String.valueOf(n), grove.show("%.2f"),
                        floor.show("%.2f"), Stats.ratio(grove, floor), naive.show("%.2f"), Stats.ratio(naive, grove),
                        groveDisk.show("%.0f"), floorDisk.show("%.0f"), naiveDisk.show("%.0f"));
            }
            Disk.remove(dir);
        }
        String shape = "generated repositories: text files of ~380 bytes in 200 folders, " + commits
                + " commits (git fast-import, deterministic), packed; origin reached over file://";
        first.note(shape)
                .note("before the first size, one unmeasured JGitClient.sync loads JGit's classes into this JVM")
                .note("median (min–max) over " + runs + " runs; ratio = Grove / floor");
        warm.note(shape)
                .note("each run first adds one commit to origin, so every fetch (Grove's and the floor's) brings it")
                .note("Grove adds the N worktrees at once on N threads (as a run at max_parallel = N does: "
                        + "registration serialized per repository, checkouts in parallel); the floor's loop and "
                        + "the naive clones run one after the other")
                .note("disk: cache + worktrees for Grove and the floor, the N clones for naive (du -sk, "
                        + "4 KiB blocks: a 380-byte file takes 4 KiB)")
                .note("median (min–max) over " + runs + " runs; ratio = Grove / floor, naive / Grove");
        return List.of(first, warm);
    }

    private static List<Worktree> groveProvision(JGitClient git, String url, int n, Path wts, int seq)
            throws Exception {
        CachedRepo clone = git.sync(REPO, url, null);
        String base = git.remoteBranchHead(clone, "main");
        Files.createDirectories(wts);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Worktree>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String branch = "grove/" + seq + "-task-" + i;
                Path dir = wts.resolve(branch.replace('/', '_'));
                futures.add(pool.submit(() -> git.addWorktree(clone, branch, base, dir)));
            }
            List<Worktree> made = new ArrayList<>();
            for (Future<Worktree> f : futures) made.add(f.get());
            return made;
        } finally {
            pool.shutdown();
        }
    }

    private static void floorProvision(Path bare, int n, Path wts, int seq) {
        GitFixtures.runGit(bare, "fetch", "--quiet", "origin", "+refs/heads/*:refs/remotes/origin/*");
        String base = GitFixtures.runGit(bare, "rev-parse", "refs/remotes/origin/main");
        for (int i = 0; i < n; i++) {
            GitFixtures.runGit(bare, "worktree", "add", "--quiet", "--no-track", "-b", "task-" + seq + "-" + i,
                    wts.resolve("t" + i).toString(), base);
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
