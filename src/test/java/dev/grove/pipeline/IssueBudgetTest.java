package dev.grove.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IssueBudgetTest {
    @Test
    void theTighterLimitWinsOnEachCountAndNullIsNoLimit() {
        assertEquals(IssueBudget.UNLIMITED, IssueBudget.UNLIMITED.tighter(null, null));
        assertEquals(new IssueBudget(2.0, null), IssueBudget.UNLIMITED.tighter(2.0, null));
        assertEquals(new IssueBudget(2.0, Duration.ofMinutes(5)),
                new IssueBudget(3.0, Duration.ofMinutes(5)).tighter(2.0, Duration.ofMinutes(9)));
        assertEquals(new IssueBudget(1.0, Duration.ofMinutes(4)),
                new IssueBudget(1.0, null).tighter(null, Duration.ofMinutes(4)));
    }
}
