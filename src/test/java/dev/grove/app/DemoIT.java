package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grove demo} end to end: three branches really pushed to the local origin, each with its upstream. */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void pushesFourTaskBranchesWithUpstreamAndPrintsThePullRequests() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new Demo(new PrintStream(buf, true, StandardCharsets.UTF_8)).run(tmp);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);

        Path origin = tmp.resolve("origin.git");
        List<String> branches = Arrays.stream(Demo.git(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
                .split("\n")).filter(s -> !s.isBlank()).sorted().toList();
        assertEquals(List.of("grove/42-add-a-discount-rule-to-the-cart", "grove/42-document-the-release-process",
                "grove/42-log-cart-changes", "grove/42-make-search-ignore-case", "main"), branches, out);
        for (String b : branches) {
            if (b.equals("main")) continue;
            // task 4 waits for task 1: it is stacked on task 1's branch, one commit on top of it
            assertEquals(b.equals("grove/42-log-cart-changes") ? "2" : "1",
                    Demo.git(origin, "rev-list", "--count", "main.." + b).trim(), b);
            assertTrue(out.contains("branch:   " + b + " (upstream: origin refs/heads/" + b + ")"), out);
        }
        assertEquals("1", Demo.git(origin, "rev-list", "--count", "main").trim(), "main untouched");
        assertEquals("src/cart/CHANGES.md\n",
                Demo.git(origin, "diff", "--name-only", "main", "grove/42-add-a-discount-rule-to-the-cart"));
        assertTrue(out.contains("would open PR #"), out);
        assertTrue(out.contains("  4. Log cart changes  paths: src/cart/CHANGES.md\n"), out);
        assertTrue(out.contains("  wave 1: task 1, task 2, task 3\n  wave 2: task 4\n"), out);
        assertTrue(out.contains("Task 4 (Log cart changes) waits for task 1 (Add a discount rule to the cart): "
                + "`src/cart/**` and `src/cart/CHANGES.md` may cover the same files."), out);
        assertEquals(Demo.git(origin, "rev-parse", "grove/42-add-a-discount-rule-to-the-cart").trim(),
                Demo.git(origin, "rev-parse", "grove/42-log-cart-changes^").trim(), "task 4 starts from task 1's head");
        assertTrue(out.contains("grove/42-log-cart-changes -> grove/42-add-a-discount-rule-to-the-cart\n"), out);
        assertTrue(out.contains("      | Stacked on #"), out);
        assertFalse(out.contains("conflict: T1 + T4"), "stacked on task 1, task 4 no longer conflicts with it: " + out);
        assertTrue(out.contains("  all together: merge cleanly, in any order"), out);
        assertTrue(out.contains("parallel speed-up"), out);
    }
}
