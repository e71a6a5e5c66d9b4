package dev.grove.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.model.ThreadComment;
import dev.grove.model.ThreadComment.State;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every {@link StateStore} does with review comments: {@code a} writes, {@code other} gives a store that must
 * see it (another process on the same database, or the file store read again after a restart).
 */
final class ThreadCommentsContract {
    static final RepoRef REPO = new RepoRef("octo", "shop");

    private ThreadCommentsContract() {
    }

    static void check(StateStore a, Supplier<StateStore> other) {
        ThreadComment c11 = new ThreadComment(11, 11, 5, "src/A.java", 3, "@@ -1 +1 @@\n-a\n+b", "rename it", "alice",
                null, null);
        ThreadComment c12 = new ThreadComment(12, 11, 5, "src/B.java", null, null, "and this", "bob", null, null);
        ThreadComment c13 = new ThreadComment(13, 13, 6, "docs/x.md", 1, "@@", "typo", "alice", null, null);
        assertTrue(a.addThreadComment(REPO, 9, c12));
        assertTrue(a.addThreadComment(REPO, 9, c11));
        assertFalse(other.get().addThreadComment(REPO, 9, c11), "a redelivered comment is known");
        assertEquals(List.of(c11.withState(State.PENDING, null), c12.withState(State.PENDING, null)),
                other.get().threadComments(REPO, 9, State.PENDING), "pending, oldest first, with every field");
        assertEquals(List.of(), other.get().threadComments(REPO, 10, State.PENDING), "another pull request's");
        assertEquals(List.of(), other.get().threadComments(new RepoRef("octo", "other"), 9, State.PENDING));

        a.markThreadComments(REPO, 9, List.of(11L), State.ADDRESSED, "abc1234");
        assertEquals(List.of(c11.withState(State.ADDRESSED, "abc1234")),
                other.get().threadComments(REPO, 9, State.ADDRESSED));
        assertEquals(List.of(c12.withState(State.PENDING, null)), other.get().threadComments(REPO, 9, State.PENDING));

        // the review's revise takes what no batch took: 12 (pending) and 13 (its event not come yet), not 11
        assertEquals(Set.of(12L, 13L), other.get().claimThreadComments(REPO, 9, List.of(11L, 12L, 13L)));
        assertEquals(Set.of(12L, 13L), a.claimThreadComments(REPO, 9, List.of(12L, 13L)), "a retried review keeps them");
        assertEquals(List.of(), a.threadComments(REPO, 9, State.PENDING));
        assertFalse(a.addThreadComment(REPO, 9, c13), "a comment its review took is not batched when its event comes");
        assertEquals(List.of(c12.withState(State.REVIEW, null)), other.get().threadComments(REPO, 9, State.REVIEW),
                "a comment known only by id is not listed");

        a.markThreadComments(REPO, 9, List.of(11L), State.REPLIED, "abc1234");
        assertEquals(List.of(), other.get().threadComments(REPO, 9, State.ADDRESSED));
        assertEquals(List.of(c11.withState(State.REPLIED, "abc1234")),
                other.get().threadComments(REPO, 9, State.REPLIED));
    }
}
