package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.config.CodeOwners;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Input too big to plan gets a message that says what to change, never a StackOverflowError or a long stall. */
class BoundedInputTest {
    private final TaskPlanner planner = new TaskPlanner();

    static String checklist(int items) {
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= items; i++) {
            body.append("- [ ] Task ").append(i).append("\n  paths: src/t").append(i).append("/**\n");
        }
        return body.toString();
    }

    @Test
    void aChecklistBeyondMaxTasksRunsNothingAndSaysSo() {
        Plan plan = planner.plan("t", checklist(9), 8);
        assertTrue(plan.waves().isEmpty(), "nothing runs");
        assertEquals(9, plan.tasks().size(), "the tasks are still listed");
        assertTrue(plan.problem().contains("9 tasks, more than the 8 this repository allows")
                && plan.problem().contains("max_tasks"), plan.problem());

        Plan fits = planner.plan("t", checklist(8), 8);
        assertNull(fits.problem());
        assertEquals(1, fits.waves().size(), "8 tasks on separate paths run side by side");
    }

    @Test
    void noPlanExceedsTheCeilingWhateverMaxTasksSays() {
        Plan plan = planner.plan("t", checklist(TaskPlanner.MAX_TASKS + 1));
        assertTrue(plan.problem().contains("more than the " + TaskPlanner.MAX_TASKS), plan.problem());
        assertTrue(planner.plan("t", checklist(25), 99).problem() != null, "max_tasks cannot raise the ceiling");
    }

    @Test
    void aHugeChecklistIsRefusedQuickly() {
        // a 65,536-character issue body (GitHub's limit) holds about 2,000 such items; scheduling them pairwise
        // would compare millions of globs
        long start = System.nanoTime();
        Plan plan = planner.plan("t", checklist(2_000), 8);
        assertTrue(plan.problem().contains("2000 tasks"), plan.problem());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused without scheduling");
    }

    @Test
    void aGlobOverTheLimitIsAPlanProblemNamingTheTask() {
        String glob = "src/" + "a".repeat(5_000) + "/**";
        Plan plan = planner.plan("t", "- [ ] Fine\n  paths: docs/**\n- [ ] Too long\n  paths: " + glob + "\n");
        assertTrue(plan.waves().isEmpty());
        assertTrue(plan.problem().startsWith("Task 2 (Too long): the path glob `src/aaa")
                && plan.problem().contains(glob.length() + " characters long; at most 1000"), plan.problem());
    }

    @Test
    void tooManyGlobsInOneTaskIsAPlanProblem() {
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < TaskPlanner.MAX_GLOBS_PER_TASK + 1; i++) paths.append(i == 0 ? "" : ", ").append("f").append(i);
        Plan plan = planner.plan("t", "- [ ] Many\n  paths: " + paths + "\n");
        assertTrue(plan.problem().contains("names 51 paths; at most 50"), plan.problem());
    }

    @Test
    void aLongGlobIsAClearErrorNotAStackOverflow() {
        String glob = "a*".repeat(20_000); // overflowed the recursive matcher
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PathGlobs.mayOverlap(glob, "b*".repeat(20_000)));
        assertTrue(e.getMessage().contains("40000 characters long; at most 1000 are allowed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PathGlobs.matches(glob, "a/b"));
        assertFalse(PathGlobs.matches("**", "a/".repeat(3_000) + "b"), "a path longer than PATH_MAX matches nothing");
    }

    @Test
    void globsAtTheLimitAreMatchedWithoutDeepRecursionEvenOnASmallStack() throws Exception {
        String glob = "*a".repeat(PathGlobs.MAX_GLOB_LENGTH / 2);           // 1000 characters, one segment
        String other = "a?".repeat(PathGlobs.MAX_GLOB_LENGTH / 2);
        String path = "a".repeat(4_000);                                   // one long segment
        String deep = "x/".repeat(PathGlobs.MAX_GLOB_LENGTH / 2 - 1) + "*"; // 500 segments
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(List.of(PathGlobs.mayOverlap(glob, other), PathGlobs.matches(glob, path),
                        PathGlobs.matches(deep, "x/".repeat(499) + "file"), PathGlobs.mayOverlap(deep, "**/file")));
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 128 * 1024);
        t.start();
        t.join();
        assertEquals(List.of(true, true, true, true), result.get());
    }

    @Test
    void codeOwnersSkipsAPatternTooLongToRead() {
        CodeOwners owners = CodeOwners.parse("/" + "a".repeat(5_000) + "/ @someone\n/src/ @mona\n");
        assertEquals(java.util.Set.of("@mona"), owners.ownersOf(List.of("src/**")), "the readable rule still applies");
        assertTrue(owners.mayRun("mona", List.of("src/**")));
        assertFalse(owners.mayRun("someone", List.of("src/**")));
    }
}
