package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathGlobsTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            src/auth/**          | src/auth/**            | true
            src/auth/**          | src/auth/New.java      | true
            src/auth/**          | src/auth/deep/New.java | true
            src/auth             | src/auth/Login.java    | true
            src/auth/            | src/auth/Login.java    | true
            src/auth             | src/auth/**/*.java     | true
            src/auth             | src/authz/Login.java   | false
            src/auth.java        | src/auth               | false
            **                   | anything/at/all.txt    | true
            **/*.md              | docs/x.md              | true
            **/*.md              | README.md              | true
            *.md                 | docs/x.md              | false
            *.md                 | README.md              | true
            *.md                 | *.txt                  | false
            docs/*.md            | docs/**                | true
            docs/*.md            | docs/api/x.md          | false
            docs/**/x.md         | docs/*/x.md            | true
            src/**/test/**       | src/main/**            | true
            src/*/Foo.java       | src/a/Bar.java         | false
            src/a?c/**           | src/abc/X.java         | true
            src/a?c/**           | src/ac/X.java          | false
            src/*Test.java       | src/Foo*.java          | true
            src/*Test.java       | src/*.kt               | false
            src/auth/**          | src/billing/**         | false
            src/auth/**          | docs/auth.md           | false
            docs/auth.md         | docs/billing.md        | false
            `docs/**`            | ./docs/a.md            | true
            '{src,docs}/**'      | lib/x                  | true
            src/shared/*.java    | src/shared/NewUtil.java| true
            src/shared/**        | src/shared/new/A.java  | true
            src/shared/A.java    | src/shared/B.java      | false
            src/shared           | src/shared/B.java      | true
            """)
    void mayOverlap(String a, String b, boolean expected) {
        assertEquals(expected, PathGlobs.mayOverlap(a, b), a + " vs " + b);
        assertEquals(expected, PathGlobs.mayOverlap(b, a), b + " vs " + a + " (symmetric)");
    }

    @ParameterizedTest(name = "{0} matches {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            src/auth/**   | src/auth/New.java      | true
            src/auth/**   | src/auth               | true
            src/auth      | src/auth/a/b/C.java    | true
            src/auth/     | src/auth/C.java        | true
            src/auth      | src/authz/C.java       | false
            *.md          | README.md              | true
            *.md          | docs/x.md              | false
            **/*.md       | docs/x.md              | true
            docs/?.md     | docs/x.md              | true
            docs/?.md     | docs/xy.md             | false
            src/*/Foo.java| src/a/Foo.java         | true
            src/*/Foo.java| src/a/b/Foo.java       | false
            **            | a/b/c                  | true
            """)
    void matches(String glob, String path, boolean expected) {
        assertEquals(expected, PathGlobs.matches(glob, path));
    }
}
