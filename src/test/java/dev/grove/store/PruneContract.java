package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.ThreadComment;
import dev.grove.model.ThreadComment.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every {@link StateStore}'s retention pruning forgets, and what it keeps: {@code other} gives a store on the
 * same state (another process, or the file store read again). {@code byAge}: the store keeps when a review comment
 * came, so taken ones past the retention go too.
 */
final class PruneContract {
    static final RepoRef REPO = new RepoRef("octo", "prune");
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration RETENTION = Duration.ofDays(7);
    static final Duration LONG = Duration.ofDays(100);

    private PruneContract() {
    }

    static void check(StateStore store, Supplier<StateStore> other, boolean byAge) {
        Instant t0 = Instant.now();
        assertTrue(store.claimRefusalReply(REPO, 5, "eve", t0, HOUR));
        assertTrue(store.claimRefusalReply(REPO, 5, "mallory", t0.plus(Duration.ofMinutes(50)), HOUR));

        ThreadComment open1 = new ThreadComment(31, 31, 5, "src/A.java", 3, "@@", "rename it", "alice", null, null);
        ThreadComment open2 = new ThreadComment(32, 32, 5, "src/B.java", 4, "@@", "and this", "alice", null, null);
        ThreadComment merged = new ThreadComment(41, 41, 5, "src/C.java", 1, "@@", "typo", "bob", null, null);
        assertTrue(store.addThreadComment(REPO, 9, open1));
        assertTrue(store.addThreadComment(REPO, 9, open2));
        assertTrue(store.addThreadComment(REPO, 10, merged));
        store.markThreadComments(REPO, 9, List.of(31L), State.ADDRESSED, "abc1234");
        store.saveTask(TaskRecord.queued(new TaskKey(REPO, 5, "merged"), 2, "Merged").withBranch("grove/5-m")
                .withPullRequest(10, "https://github.com/octo/prune/pull/10").withStatus(TaskStatus.MERGED));
        store.saveTask(TaskRecord.queued(new TaskKey(REPO, 5, "open"), 1, "Open").withBranch("grove/5-o")
                .withPullRequest(9, "https://github.com/octo/prune/pull/9").withStatus(TaskStatus.PR_OPENED));

        StateStore b = other.get();
        assertEquals(2, b.pruneStale(t0.plus(Duration.ofMinutes(90)), HOUR, RETENTION),
                "eve's reply (past the hour) and the merged PR's comment");
        StateStore c = other.get();
        assertTrue(c.claimRefusalReply(REPO, 5, "eve", t0.plus(Duration.ofMinutes(91)), LONG), "eve's was forgotten");
        assertFalse(c.claimRefusalReply(REPO, 5, "mallory", t0.plus(Duration.ofMinutes(91)), LONG),
                "mallory's still holds");
        assertEquals(List.of(), c.threadComments(REPO, 10, State.PENDING), "the merged PR's comments went");
        assertEquals(List.of(open2.withState(State.PENDING, null)), c.threadComments(REPO, 9, State.PENDING));
        assertEquals(1, c.threadComments(REPO, 9, State.ADDRESSED).size(), "an open PR's, within the retention");
        if (byAge) {
            StateStore d = other.get();
            d.pruneStale(t0.plus(RETENTION).plus(Duration.ofDays(1)), HOUR, RETENTION);
            StateStore e = other.get();
            assertEquals(List.of(), e.threadComments(REPO, 9, State.ADDRESSED), "taken, past the retention");
            assertEquals(List.of(open2.withState(State.PENDING, null)), e.threadComments(REPO, 9, State.PENDING),
                    "a pending one waits for its revise, however old");
        }
        assertEquals(0, other.get().pruneStale(t0.plus(Duration.ofMinutes(92)), LONG, LONG), "nothing more");
    }
}
