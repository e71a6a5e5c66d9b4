package dev.grove.git;

import static dev.grove.testing.GitFixtures.commitOnOrigin;
import static dev.grove.testing.GitFixtures.fileUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import dev.grove.testing.GitFixtures;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conflict detection on real repositories: in-memory merges of task branches pushed to a bare origin. */
class MergeCheckIT {
    static final RepoRef REPO = new RepoRef("acme", "merge");

    @TempDir
    Path tmp;
    Path origin;
    JGitClient git;
    String base;

    @BeforeEach
    void setUp() {
        origin = GitFixtures.createOrigin(tmp);
        base = GitFixtures.originBranchSha(origin, "main");
        git = new JGitClient(tmp.resolve("cache"));
    }

    private static Map<String, String> files(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void aBranchStackedOnAnotherMergesWithItTogetherAndMergeIntoBranchNeverRewritesOrigin() {
        Map<String, String> tips = new LinkedHashMap<>();
        String a = commitOnOrigin(origin, "grove/1-a", files("notes.md", "from a\n"), "a");
        tips.put("grove/1-a", a);
        // b is stacked on a: it starts from a's head and appends to the same file
        GitFixtures.runGit(origin, "branch", "grove/1-b", a);
        tips.put("grove/1-b", commitOnOrigin(origin, "grove/1-b", files("notes.md", "from a\nfrom b\n"), "b"));
        CachedRepo cached = git.sync(REPO, fileUrl(origin), null);

        MergeCheck check = git.mergeCheck(cached, base, tips);
        assertTrue(check.allClean(), check.toString());

        // main moves (a merged, plus an unrelated change); b is brought up to date by a merge on top of its head
        String main = commitOnOrigin(origin, "main", files("docs/guide.md", "# Guide v2\n"), "guide");
        cached = git.sync(REPO, fileUrl(origin), null);
        BranchMerge m = git.mergeIntoBranch(cached, "grove/1-b", tips.get("grove/1-b"), main, "Merge main", "g", "g@x");
        assertTrue(m.clean() && m.changed(), m.toString());
        assertEquals(tips.get("grove/1-b") + " " + main,
                GitFixtures.runGit(cached.gitDir(), "log", "-1", "--format=%P", m.head()));
        assertEquals(m.head(), GitFixtures.runGit(cached.gitDir(), "rev-parse", "refs/heads/grove/1-b"));
        BranchMerge again = git.mergeIntoBranch(cached, "grove/1-b", m.head(), main, "Merge main", "g", "g@x");
        assertEquals(new BranchMerge(m.head(), false, List.of()), again, "already up to date");

        // a base that rewrote notes.md conflicts: nothing moves
        String other = commitOnOrigin(origin, "main", files("notes.md", "from main\n"), "notes");
        cached = git.sync(REPO, fileUrl(origin), null);
        BranchMerge conflict = git.mergeIntoBranch(cached, "grove/1-b", m.head(), other, "Merge main", "g", "g@x");
        assertEquals(List.of("notes.md"), conflict.conflicts());
        assertEquals(m.head(), GitFixtures.runGit(cached.gitDir(), "rev-parse", "refs/heads/grove/1-b"));
    }

    @Test
    void reportsExactlyTheConflictingPairsAndFilesForTextAddAddAndDeleteModify() {
        Map<String, String> tips = new LinkedHashMap<>();
        // a and b edit the same line of README.md (text conflict) and both add notes.md with different content
        tips.put("grove/1-a", commitOnOrigin(origin, "grove/1-a",
                files("README.md", "# Demo by A\n\nA repository for Grove's tests.\n", "notes.md", "from a\n"), "a"));
        tips.put("grove/1-b", commitOnOrigin(origin, "grove/1-b",
                files("README.md", "# Demo by B\n\nA repository for Grove's tests.\n", "notes.md", "from b\n"), "b"));
        // c deletes the guide, d modifies it (delete/modify)
        tips.put("grove/1-c", commitOnOrigin(origin, "grove/1-c", files("docs/guide.md", null), "c"));
        tips.put("grove/1-d", commitOnOrigin(origin, "grove/1-d", files("docs/guide.md", "# Guide, longer\n"), "d"));
        // e touches only its own new file
        tips.put("grove/1-e", commitOnOrigin(origin, "grove/1-e", files("src/e/E.java", "class E {}\n"), "e"));
        CachedRepo cached = git.sync(REPO, fileUrl(origin), null);
        Map<String, String> refsBefore = GitFixtures.refs(cached.gitDir());

        MergeCheck check = git.mergeCheck(cached, base, tips);

        assertEquals(List.of(
                new MergeCheck.Pair("grove/1-a", "grove/1-b", List.of("README.md", "notes.md")),
                new MergeCheck.Pair("grove/1-c", "grove/1-d", List.of("docs/guide.md"))), check.conflicts());
        assertEquals(10, check.pairs().size(), "every pair of five");
        assertEquals(8, check.pairs().stream().filter(MergeCheck.Pair::clean).count());
        assertTrue(check.pairs().contains(new MergeCheck.Pair("grove/1-a", "grove/1-c", List.of())));
        assertEquals(List.of("README.md", "docs/guide.md", "notes.md"), check.allTogetherConflicts());
        assertEquals(List.of("grove/1-b", "grove/1-d"), check.notMergedTogether());
        assertFalse(check.allClean());

        MergeCheck.BranchResult d = check.forBranch("grove/1-d");
        assertEquals("neutral", d.conclusion());
        assertEquals("`grove/1-d` conflicts with `grove/1-c` (`docs/guide.md`): merge one, then update the other "
                + "from the base branch.", d.reason());
        assertEquals("success", check.forBranch("grove/1-e").conclusion());
        assertEquals(refsBefore, GitFixtures.refs(cached.gitDir()), "no ref moved");
    }

    @Test
    void branchesThatTouchDifferentPartsOfOneFileMergeCleanlyTogether() {
        Map<String, String> lines = new LinkedHashMap<>();
        String body = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";
        commitOnOrigin(origin, "main", files("list.txt", body), "list");
        String newBase = GitFixtures.originBranchSha(origin, "main");
        lines.put("grove/2-top", commitOnOrigin(origin, "grove/2-top", files("list.txt", body.replace("one", "ONE")), "top"));
        lines.put("grove/2-bottom", commitOnOrigin(origin, "grove/2-bottom",
                files("list.txt", body.replace("eight", "EIGHT")), "bottom"));
        lines.put("grove/2-other", commitOnOrigin(origin, "grove/2-other", files("other.txt", "x\n"), "other"));
        CachedRepo cached = git.sync(REPO, fileUrl(origin), null);

        MergeCheck check = git.mergeCheck(cached, newBase, lines);

        assertEquals(List.of(), check.conflicts());
        assertEquals(3, check.pairs().size());
        assertTrue(check.allClean());
    }

    @Test
    void deleteBranchRemovesItOnOriginAndLocallyButNeverTheDefaultBranch() {
        commitOnOrigin(origin, "grove/3-x", files("x.txt", "x\n"), "x");
        CachedRepo cached = git.sync(REPO, fileUrl(origin), null);
        assertTrue(git.branchNames(cached).contains("grove/3-x"));

        git.deleteBranch(cached, "grove/3-x", "main", null);

        assertFalse(GitFixtures.refs(origin).containsKey("refs/heads/grove/3-x"));
        assertFalse(git.branchNames(cached).contains("grove/3-x"));
        assertThrows(PushRefusedException.class, () -> git.deleteBranch(cached, "main", "main", null));
        assertTrue(GitFixtures.refs(origin).containsKey("refs/heads/main"));
    }
}
