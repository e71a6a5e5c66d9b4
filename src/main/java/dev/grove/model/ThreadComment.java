package dev.grove.model;

/**
 * A review comment left on the diff of a Grove pull request ({@code pull_request_review_comment}), kept until the
 * revise that addresses it has replied in its thread. {@code id} is GitHub's comment id; {@code threadId} the id of
 * the thread's first comment (the one a reply goes to); {@code reviewId} the review it belongs to (0 when none);
 * {@code line} null when GitHub gives none; {@code sha} the commit that addressed it, once one did.
 */
public record ThreadComment(long id, long threadId, long reviewId, String path, Integer line, String diffHunk,
        String body, String author, State state, String sha) {

    /** Where a comment stands. */
    public enum State {
        /** recorded; waits for its batch's revise */
        PENDING,
        /**
         * given to a revise that started on head {@code sha}; if that revise was cut off (the process died), the next
         * batch counts it addressed when the head has moved since, or gives it to a revise again when it has not
         */
        BATCHED,
        /** part of a submitted review that the review's own revise handles: no batch takes it */
        REVIEW,
        /** a revise pushed {@code sha} for it; the reply in its thread is not made yet */
        ADDRESSED,
        /** the reply naming {@code sha} is in its thread */
        REPLIED,
        /** its revise pushed nothing (the pull request was told why): no reply */
        UNCHANGED
    }

    public ThreadComment withState(State state, String sha) {
        return new ThreadComment(id, threadId, reviewId, path, line, diffHunk, body, author, state, sha);
    }
}
