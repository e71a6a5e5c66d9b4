package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import java.util.OptionalInt;
import java.util.function.Supplier;

/** What every {@link StateStore} does with CI fix claims that were cut off: shared by the JDBC and file stores. */
final class CiFixContract {
    private CiFixContract() {
    }

    /** {@code other} gives a store on the same state as another process (or the same one after a restart) sees it. */
    static void check(StateStore store, Supplier<StateStore> other) {
        TaskKey key = new TaskKey(new RepoRef("octo", "shop"), 8, "fix");
        assertEquals(OptionalInt.empty(), store.unfinishedCiFix(key, "h1"), "not claimed");
        assertEquals(1, store.claimCiFix(key, "h1", "test"));
        assertEquals(OptionalInt.of(1), other.get().unfinishedCiFix(key, "h1"), "claimed, its revise never ran");
        assertEquals(2, store.claimCiFix(key, "h2", "test"));
        store.finishCiFix(key, "h1");
        StateStore b = other.get();
        assertEquals(OptionalInt.empty(), b.unfinishedCiFix(key, "h1"), "finished");
        assertEquals(OptionalInt.of(2), b.unfinishedCiFix(key, "h2"), "the other head is its own");
        assertEquals(OptionalInt.empty(), b.unfinishedCiFix(new TaskKey(key.repo(), 8, "other"), "h2"), "per task");
        b.finishCiFix(key, "h2");
        b.finishCiFix(key, "h2"); // again: no harm
        StateStore c = other.get();
        assertEquals(OptionalInt.empty(), c.unfinishedCiFix(key, "h2"));
        assertEquals(0, c.claimCiFix(key, "h2", "test"), "a finished head is still claimed");
    }
}
