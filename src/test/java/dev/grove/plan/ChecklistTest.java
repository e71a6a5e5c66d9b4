package dev.grove.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChecklistTest {
    static final String BODY = """
            Split the work:

            ```
            - [ ] Add a discount rule
            ```
            - [ ] Add a discount rule
              paths: src/cart/**
            * [ ] Make search ignore case\r
            - [x] Already done
            """;

    @Test
    void ticksOnlyThatItemsCheckboxOutsideCodeBlocks() {
        String ticked = Checklist.tick(BODY, "Add a discount rule").orElseThrow();
        assertEquals(BODY.replace("```\n- [ ] Add a discount rule\n  paths", "```\n- [x] Add a discount rule\n  paths"),
                ticked);
        assertTrue(ticked.contains("```\n- [ ] Add a discount rule\n```"), "the code block is not a checklist");
        assertEquals(BODY.replace("* [ ] Make search", "* [x] Make search"),
                Checklist.tick(BODY, "Make search ignore case").orElseThrow(), "a CRLF line keeps its CR");
    }

    @Test
    void nothingToTickIsEmpty() {
        assertEquals(Optional.empty(), Checklist.tick(BODY, "Already done"));
        assertEquals(Optional.empty(), Checklist.tick(BODY, "No such task"));
    }

    @Test
    void withoutTicksReadsEveryBoxAsUnticked() {
        String ticked = Checklist.tick(BODY, "Add a discount rule").orElseThrow();
        assertEquals(Checklist.withoutTicks(BODY), Checklist.withoutTicks(ticked));
        assertTrue(Checklist.withoutTicks(BODY).contains("- [ ] Already done"));
    }
}
