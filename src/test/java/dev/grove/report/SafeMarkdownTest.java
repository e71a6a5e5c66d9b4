package dev.grove.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SafeMarkdownTest {
    static final String J = "\u2060";

    @Test
    void closingKeywordsBeforeAnIssueReferenceAreBroken() {
        assertEquals("F" + J + "ixes #12 and c" + J + "loses octo/shop#3", SafeMarkdown.neutralize("Fixes #12 and closes octo/shop#3"));
        assertEquals("R" + J + "esolved: https://github.com/o/r/issues/4",
                SafeMarkdown.neutralize("Resolved: https://github.com/o/r/issues/4"));
        assertEquals("f" + J + "ix #1", SafeMarkdown.neutralize("fix #1"));
    }

    @Test
    void keywordsWithoutAReferenceAndOtherWordsStay() {
        assertEquals("I fixed the bug; it closes cleanly. Prefix #2 stays.",
                SafeMarkdown.neutralize("I fixed the bug; it closes cleanly. Prefix #2 stays."));
    }

    @Test
    void mentionsAreBrokenButMailAddressesAndCodeStay() {
        assertEquals("thanks @" + J + "octocat and @" + J + "octo-org/reviewers; mail a@b.com",
                SafeMarkdown.neutralize("thanks @octocat and @octo-org/reviewers; mail a@b.com"));
        assertEquals("`@Override` stays", SafeMarkdown.neutralize("`@Override` stays"));
    }

    @Test
    void nothingIsNothing() {
        assertEquals("", SafeMarkdown.neutralize(""));
        assertEquals(null, SafeMarkdown.neutralize(null));
    }

    @Test
    void whatAnAgentWroteCannotCloseTheIssueOrPingAnyoneFromAPullRequestOrCheckRun() {
        dev.grove.plan.Task task = new dev.grove.plan.Task(1, "Fix #7 for @boss", "Resolves #9; ask @octocat",
                java.util.List.of("src/**"));
        String body = new PullRequestBodyRenderer().render(7, task, "grove/7-x", java.util.List.of("src/A.java"),
                "Done. Fixes #7 and closes #8. cc @octocat");
        org.junit.jupiter.api.Assertions.assertTrue(body.startsWith("Part of #7\n"), body);
        for (String raw : java.util.List.of("Fixes #7", "closes #8", "Resolves #9", "@octocat", "@boss", "Fix #7")) {
            org.junit.jupiter.api.Assertions.assertFalse(body.contains(raw), raw + " in:\n" + body);
        }
        String summary = new CheckRunSummaryRenderer().render(new CheckRunSummaryRenderer.Report("ok",
                "Fixes #7, thanks @octocat", java.util.List.of(), null, null, null, null, null));
        org.junit.jupiter.api.Assertions.assertFalse(summary.contains("Fixes #7") || summary.contains("@octocat"), summary);
    }
}
