package dev.grove.git;

import dev.grove.model.RepoRef;
import static dev.grove.testing.GitFixtures.fileUrl;
import static dev.grove.testing.GitFixtures.originBranchSha;
import static dev.grove.testing.GitFixtures.refs;
import static dev.grove.testing.GitFixtures.runGit;
import static dev.grove.testing.GitFixtures.tryGit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.grove.testing.GitFixtures;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an agent that writes its worktree and the shared clone can try against Grove's own git steps, each against
 * real repositories: none of it runs a command of the agent's or sends a push (or the token) anywhere else.
 * Where Grove refuses a tampered clone, the layer below is tested too, with the check out of the way.
 */
class GitAttacksIT {

    private static final RepoRef REPO = new RepoRef("acme", "demo");
    private static final String BRANCH = "grove/1-task";

    @TempDir
    Path tmp;

    private Path origin;
    private Path evil;
    private Path marker;
    private JGitClient git;
    private CachedRepo cached;
    private String mainSha;

    @BeforeEach
    void setUp() throws Exception {
        origin = GitFixtures.createOrigin(tmp);
        evil = tmp.resolve("evil.git");
        runGit(tmp, "init", "--quiet", "--bare", evil.toString());
        marker = tmp.resolve("pwned");
        git = new JGitClient(tmp.resolve("cache"));
        cached = git.sync(REPO, fileUrl(origin), null);
        mainSha = originBranchSha(origin, "main");
    }

    /** An executable that leaves {@link #marker} behind when anyone runs it. */
    private Path payload() throws Exception {
        Path script = tmp.resolve("payload.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$0 $*\" >> '" + marker + "'\ncat\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private Worktree worktree() {
        return git.addWorktree(cached, BRANCH, mainSha, tmp.resolve("wt"));
    }

    @Test
    void whatGrovesGitWritesIsReadableByGroveAlone() throws Exception {
        Worktree wt = worktree();
        Files.writeString(wt.dir().resolve("work.txt"), "agent's work\n");
        git.commitAll(wt, "Work", "Grove Agent", "agent@grove.invalid").orElseThrow();
        List<Path> open = new java.util.ArrayList<>();
        try (var walk = Files.walk(wt.dir())) {
            for (Path p : walk.toList()) {
                if (p.equals(wt.dir().resolve("work.txt"))) {
                    continue; // written by the test, as the agent would
                }
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS));
                if (!mode.endsWith("------")) {
                    open.add(p);
                }
            }
        }
        assertEquals(List.of(), open, "git made files others can read");
    }

    @Test
    void aReplacedDotGitFileIsNeverRead() throws Exception {
        Worktree wt = worktree();
        Path other = tmp.resolve("other");
        runGit(tmp, "init", "--quiet", other.toString());
        runGit(other, "config", "core.fsmonitor", payload().toString());
        GitFixtures.installHook(other.resolve(".git"), "pre-commit", "'" + payload() + "'");
        Files.writeString(wt.dir().resolve(".git"), "gitdir: " + other.resolve(".git") + "\n");
        Files.writeString(wt.dir().resolve("work.txt"), "agent's work\n");

        // The attack is real: a git that discovers its repository from the worktree runs the agent's command.
        tryGit(wt.dir(), "status");
        assertTrue(Files.exists(marker), "control: discovery through .git runs core.fsmonitor");
        Files.delete(marker);

        Optional<String> sha = git.commitAll(wt, "Work", "Grove Agent", "agent@grove.invalid");
        assertTrue(sha.isPresent());
        assertEquals(Optional.of(BRANCH), git.currentBranch(wt));
        assertEquals(sha.get(), git.head(wt));
        assertEquals(sha.get(), runGit(cached.gitDir(), "rev-parse", "refs/heads/" + BRANCH));
        assertEquals(List.of("work.txt"), git.changedFiles(wt));
        assertEquals(1, git.diffStat(wt).files());
        assertFalse(Files.exists(marker), "Grove's git ran the agent's command");
        assertTrue(tryGit(other, "rev-parse", "--verify", "HEAD").exitCode() != 0, "the other repository got a commit");
        git.push(cached, BRANCH, "main", null);
        assertEquals(sha.get(), originBranchSha(origin, BRANCH));
    }

    @Test
    void hooksPlantedInTheCloneNeverRunAndRefuseTheStep() throws Exception {
        Worktree wt = worktree();
        Files.writeString(wt.dir().resolve("work.txt"), "agent's work\n");
        for (String hook : List.of("pre-commit", "commit-msg", "post-commit", "pre-push", "reference-transaction")) {
            GitFixtures.installHook(cached.gitDir(), hook, "'" + payload() + "'");
        }
        assertThrows(CommonDir.TamperedCloneException.class,
                () -> git.commitAll(wt, "Work", "Grove Agent", "agent@grove.invalid"));
        assertFalse(Files.exists(marker));

        git.sync(REPO, fileUrl(origin), null);
        assertEquals(List.of(), CommonDir.plantedHooks(cached.gitDir()), "sync removes planted hooks");
        git.commitAll(wt, "Work", "Grove Agent", "agent@grove.invalid").orElseThrow();
        GitFixtures.installHook(cached.gitDir(), "pre-push", "'" + payload() + "'");
        assertThrows(CommonDir.TamperedCloneException.class, () -> git.push(cached, BRANCH, "main", null));
        assertFalse(Files.exists(marker));
        assertFalse(refs(origin).containsKey("refs/heads/" + BRANCH));
    }

    @Test
    void neitherGitCliNorJGitRunsHooksEvenPastTheCheck() throws Exception {
        Path repo = tmp.resolve("plain");
        runGit(tmp, "clone", "--quiet", origin.toString(), repo.toString());
        for (String hook : List.of("pre-commit", "pre-push")) {
            GitFixtures.installHook(repo.resolve(".git"), hook, "'" + payload() + "'");
        }
        Files.writeString(repo.resolve("x.txt"), "x\n");
        GitCli.Target target = new GitCli.Target(repo.resolve(".git"), repo.resolve(".git"), repo);
        GitCli cli = new GitCli();
        cli.check(target, "add", "x.txt");
        cli.check(target, "-c", "user.name=A", "-c", "user.email=a@b.invalid", "commit", "--quiet", "-m", "x");
        assertFalse(Files.exists(marker), "the git CLI ran pre-commit");

        runGit(repo, "branch", "grove/hooked");
        try (Repository r = IsolatedJGit.open(repo.resolve(".git")); Git g = new Git(r)) {
            g.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/grove/hooked:refs/heads/grove/hooked"))
                    .call();
        }
        assertTrue(refs(origin).containsKey("refs/heads/grove/hooked"));
        assertFalse(Files.exists(marker), "JGit ran pre-push");

        // Control: JGit opened the ordinary way runs the same hook.
        runGit(repo, "branch", "grove/control");
        try (Repository r = new FileRepositoryBuilder().setGitDir(repo.resolve(".git").toFile()).build();
                Git g = new Git(r)) {
            g.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/grove/control:refs/heads/grove/control"))
                    .call();
        }
        assertTrue(Files.exists(marker), "control: JGit's default file system runs pre-push");
    }

    @ParameterizedTest
    @ValueSource(strings = {"remote.origin.url", "remote.origin.pushurl", "url.EVIL.insteadOf", "url.EVIL.pushInsteadOf"})
    void aRedirectedRemoteInTheCloneConfigIsRefusedAndUndoneBySync(String key) throws Exception {
        Worktree wt = worktree();
        Files.writeString(wt.dir().resolve("work.txt"), "agent's work\n");
        git.commitAll(wt, "Work", "Grove Agent", "agent@grove.invalid").orElseThrow();
        String evilUrl = fileUrl(evil);
        if (key.startsWith("url.")) {
            runGit(cached.gitDir(), "config", key.replace("EVIL", evilUrl), fileUrl(origin));
        } else {
            runGit(cached.gitDir(), "config", key, evilUrl);
        }

        assertThrows(CommonDir.TamperedCloneException.class, () -> git.push(cached, BRANCH, "main", null));
        assertEquals(java.util.Map.of(), refs(evil), "the push went to the agent's repository");
        assertFalse(refs(origin).containsKey("refs/heads/" + BRANCH));

        git.sync(REPO, fileUrl(origin), null);
        git.push(cached, BRANCH, "main", null);
        assertEquals(git.head(wt), originBranchSha(origin, BRANCH));
        assertEquals(java.util.Map.of(), refs(evil));
    }

    @Test
    void aGitattributesFilterNeverRuns() throws Exception {
        Worktree wt = worktree();
        Files.writeString(wt.dir().resolve(".gitattributes"), "* filter=evil diff=evil\n");
        Files.writeString(wt.dir().resolve("work.txt"), "agent's work\n");
        runGit(cached.gitDir(), "config", "filter.evil.clean", payload().toString());
        assertThrows(CommonDir.TamperedCloneException.class,
                () -> git.commitAll(wt, "Work", "Grove Agent", "agent@grove.invalid"));
        assertFalse(Files.exists(marker));

        // Past the config check, Grove's info/attributes still switches the driver off for every path.
        Path repo = tmp.resolve("plain");
        runGit(tmp, "clone", "--quiet", origin.toString(), repo.toString());
        runGit(repo, "config", "filter.evil.clean", payload().toString());
        runGit(repo, "config", "diff.evil.textconv", payload().toString());
        Files.writeString(repo.resolve(".gitattributes"), "* filter=evil diff=evil\n");
        Files.writeString(repo.resolve("x.txt"), "x\n");
        GitCli.Target target = new GitCli.Target(repo.resolve(".git"), repo.resolve(".git"), repo);
        tryGit(repo, "add", "x.txt");
        assertTrue(Files.exists(marker), "control: the filter runs without Grove's attributes");
        runGit(repo, "reset", "--quiet"); // the control's git may run the filter again here
        Files.delete(marker);
        Files.createDirectories(repo.resolve(".git/info"));
        Files.writeString(repo.resolve(".git/info/attributes"), CommonDir.ATTRIBUTES);
        GitCli cli = new GitCli();
        cli.check(target, "add", "--all", "--", ".");
        cli.check(target, "diff", "--cached", "--numstat", "--no-ext-diff", "--no-textconv");
        assertFalse(Files.exists(marker), () -> "Grove's git ran the repository's filter: " + GitAttacksIT.read(marker));
    }

    @Test
    void credentialsGoOnlyToTheCloneUrlsHost() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        server.start();
        try {
            String agentsUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/acme/demo.git";
            GitCredentials token = GitCredentials.installationToken("ghs_secretInstallationToken0000000000");
            lsRemote(agentsUrl, new HostBoundCredentials(token, "https://github.com/acme/demo.git"));
            assertEquals(List.of(), authorizations, "the token went to a host the agent chose");

            lsRemote(agentsUrl, new HostBoundCredentials(token, agentsUrl));
            assertFalse(authorizations.isEmpty(), "control: credentials go to the clone URL's own host");
        } finally {
            server.stop(0);
        }
        assertNull(new HostBoundCredentials(GitCredentials.installationToken("t"), "https://github.com/a/b")
                .mayReceive(new org.eclipse.jgit.transport.URIish("https://github.com.evil.example/a/b")) ? "" : null);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private void lsRemote(String url, HostBoundCredentials credentials) throws Exception {
        try (Repository r = IsolatedJGit.open(cached.gitDir()); Git g = new Git(r)) {
            g.lsRemote().setRemote(url).setCredentialsProvider(credentials).call();
        } catch (org.eclipse.jgit.api.errors.GitAPIException expected) {
            // 401 either way: only what the server received matters
        }
    }
}
