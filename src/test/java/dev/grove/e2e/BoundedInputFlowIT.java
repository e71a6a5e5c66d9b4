package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code grove serve} refuses input too big to plan with a message on the issue, and stays up for the next one. */
class BoundedInputFlowIT extends GroveE2E {

    @Test
    void aChecklistBeyondMaxTasksAndAGlobTooLongRunNothingAndSayWhy() throws Exception {
        startServer(exampleAgent(0));
        StringBuilder nine = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            nine.append("- [ ] Task ").append(i).append("\n  paths: src/t").append(i).append("/**\n");
        }

        labelIssue(nine.toString()); // the default max_tasks is 8
        assertTrue(groveBranchesOnOrigin().isEmpty(), "nothing ran");
        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("9 tasks, more than the 8 this repository allows"), tracking);

        labelIssue("- [ ] Huge\n  paths: src/" + "a*".repeat(10_000) + "\n");
        assertTrue(groveBranchesOnOrigin().isEmpty(), "nothing ran");
        tracking = lastTrackingComment();
        assertTrue(tracking.contains("Task 1 (Huge): the path glob") && tracking.contains("at most 1000"), tracking);

        labelIssue(BODY);
        assertTrue(groveBranchesOnOrigin().containsAll(BRANCHES), "the server is still up and runs a fine issue");
        assertCleanTraffic();
    }
}
