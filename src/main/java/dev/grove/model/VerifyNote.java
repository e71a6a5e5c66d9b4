package dev.grove.model;

/**
 * What the repository's verify command said of the commit {@code sha}, kept with the task from just before its push:
 * a run that stops after the push and is resumed by the next process still reports it on the check run and the pull
 * request, for that commit only.
 */
public record VerifyNote(String sha, boolean passed, String summary) {
    /** Whether this note is about {@code head}. */
    public boolean of(String head) {
        return sha != null && sha.equals(head);
    }
}
