package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code /grove try 3} then {@code /grove pick 2}, from signed comments to a running server, on a real origin. */
class ExperimentsFlowIT extends GroveE2E {
    static final List<String> ATTEMPTS = List.of("grove/7-try-1", "grove/7-try-2", "grove/7-try-3");

    @Test
    void tryThreeThenPickTwoOpensOnePullRequestAndRemovesTheOtherAttempts() throws Exception {
        // verify and measure come from the repository's config: each attempt counts its own lines
        github.stubFile(REPO, ".github/grove.yml", """
                verify: test -f CHANGES.md
                measure: wc -l < CHANGES.md
                """, "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00");
        github.stubCreatePull(REPO, ATTEMPTS.get(1), pr(201));
        startServer(exampleAgent(0.2));
        String mainBefore = GitFixtures.originBranchSha(origin, "main");

        comment("/grove try 3");
        assertEquals(Set.copyOf(ATTEMPTS), groveBranchesOnOrigin(), "three attempts pushed, each on its own branch");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size(), "one comparison table");
        String table = posted.get(0);
        for (String branch : ATTEMPTS) {
            // verify and measure from .github/grove.yml ran in the attempt: passed, and CHANGES.md has 1 line
            assertTrue(table.matches("(?s).*\\| `" + branch + "` \\| :white_check_mark: passed \\| \\+1 −0 \\| 1 \\| [^|]+ \\| 1 \\|.*"),
                    table);
            assertTrue(Files.isDirectory(worktree(branch)), "each attempt has its own worktree");
        }
        assertTrue(table.contains("/grove pick"), table);
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").isEmpty(), "no PR before a pick");

        comment("/grove pick 2");
        List<ReceivedRequest> prs = github.requests("POST", "/repos/octo-org/shop/pulls");
        assertEquals(1, prs.size());
        assertEquals("grove/7-try-2", prs.get(0).body().path("head").asText());
        assertEquals("main", prs.get(0).body().path("base").asText());
        assertEquals(Set.of("grove/7-try-2"), groveBranchesOnOrigin(), "the other attempts are gone from origin");
        assertEquals("grove/7-try-2", GitFixtures.runGit(cacheClone(), "for-each-ref", "--format=%(refname:short)",
                "refs/heads/grove/"), "and from the runner's clone");
        assertFalse(Files.exists(worktree(ATTEMPTS.get(0))));
        assertFalse(Files.exists(worktree(ATTEMPTS.get(2))));
        assertEquals(mainBefore, GitFixtures.originBranchSha(origin, "main"));
        String kept = commentsOn(ISSUE).get(1);
        assertTrue(kept.contains("Kept attempt 2") && kept.contains("#201"), kept);
        assertCleanTraffic();
    }

    @Test
    void pickWithoutAttemptsSaysHowToStartThem() throws Exception {
        startServer(exampleAgent(0));
        comment("/grove pick 2");
        List<String> posted = commentsOn(ISSUE);
        assertEquals(1, posted.size());
        assertTrue(posted.get(0).contains("/grove try N"), posted.get(0));
        assertTrue(groveBranchesOnOrigin().isEmpty());
        assertCleanTraffic();
    }
}
