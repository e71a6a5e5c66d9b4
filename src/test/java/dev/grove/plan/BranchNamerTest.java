package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BranchNamerTest {

    /** The real git decides: {@code git check-ref-format refs/heads/<name>} exits 0 for a valid branch name. */
    private static boolean gitAccepts(String branch) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "check-ref-format", "refs/heads/" + branch)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "git check-ref-format did not finish");
        return p.exitValue() == 0;
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            Add login page                                      | add-login-page
            Café crème: ünïcödé Ärger                           | cafe-creme-unicode-arger
            Straße & Œuvre                                      | strasse-oeuvre
            🚀 Ship it 🎉                                        | ship-it
            🚀🎉                                                | task
            ..                                                  | task
            fix ../../etc/passwd..                              | fix-etc-passwd
            config.lock                                         | config-lock
            .hidden                                             | hidden
            -leading dash                                       | leading-dash
            feature/sub/branch                                  | feature-sub-branch
            refs/heads/main                                     | refs-heads-main
            a@{b} ~x^y:z?w*[v]\\u                               | a-b-x-y-z-w-v-u
            '   '                                               | task
            ''                                                  | task
            NULL                                                | task
            Make the very long title of this task fit in forty characters please | make-the-very-long-title-of-this-task
            aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
            日本語のタイトル                                       | task
            Ⅻ ﬁle ２０２４                                         | xii-file-2024
            """)
    void slugIsReadableShortAndAcceptedByGit(String title, String expected) throws Exception {
        String slug = BranchNamer.slug(title);
        assertEquals(expected, slug);
        assertTrue(slug.length() <= 40, slug);
        String branch = BranchNamer.branchName("grove/", 12, title, Set.of());
        assertEquals("grove/12-" + expected, branch);
        assertTrue(gitAccepts(branch), "git refuses " + branch);
        assertTrue(BranchNamer.isValidBranchName(branch));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", "x.lock", "a/.b", "-x", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b",
            "a\\b", "a//b", "a/", "a.", "a@{b", "@"})
    void isValidBranchNameAgreesWithGitOnBadNames(String name) throws Exception {
        assertFalse(BranchNamer.isValidBranchName(name), name);
        // git branch refuses these two, though refs/heads/-x and refs/heads/@ pass check-ref-format
        if (!name.startsWith("-") && !name.equals("@")) {
            assertFalse(gitAccepts(name), "git accepts " + name);
        }
    }

    @Test
    void suffixesMakeTheNameUnique() throws Exception {
        Set<String> existing = Set.of("main", "grove/12-add-login", "grove/12-add-login-2");
        String name = BranchNamer.branchName("grove/", 12, "Add login", existing);
        assertEquals("grove/12-add-login-3", name);
        assertTrue(gitAccepts(name));
    }

    @Test
    void anExistingBranchThatIsAPathPrefixCollides() {
        assertEquals("grove/12-x-2", BranchNamer.branchName("grove/", 12, "x", Set.of("grove/12-x/y")));
        assertEquals("grove/12-x-2", BranchNamer.branchName("grove/", 12, "x", Set.of("grove/12-x")));
        assertEquals("grove/12-x-2", BranchNamer.branchName("grove/", 12, "x", Set.of("GROVE/12-X")));
        assertEquals("grove/12-x", BranchNamer.branchName("grove/", 12, "x", Set.of("grove/12-xy", "grove/12")));
    }

    @Test
    void aBranchNamedLikeThePrefixBlocksEverythingUnderIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BranchNamer.branchName("grove/", 12, "x", Set.of("main", "grove")));
        assertTrue(e.getMessage().contains("`grove`"), e.getMessage());
        assertTrue(e.getMessage().contains("rename or delete"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> BranchNamer.branchName("bots/grove/", 12, "x", Set.of("bots")));
    }

    @Test
    void anInvalidPrefixIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BranchNamer.branchName("grove..", 1, "x", Set.of()));
        assertThrows(IllegalArgumentException.class, () -> BranchNamer.branchName(".grove/", 1, "x", Set.of()));
    }

    @Test
    void sameInputsGiveTheSameName() {
        assertEquals(BranchNamer.branchName("grove/", 7, "Fix it", Set.of("main")),
                BranchNamer.branchName("grove/", 7, "Fix it", Set.of("main")));
    }
}
