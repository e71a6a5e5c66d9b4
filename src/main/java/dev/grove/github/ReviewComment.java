package dev.grove.github;

/**
 * A review comment on a pull request's diff: its id (0 when unknown), file and line ({@code line} null when GitHub
 * gives none), the text, and the diff hunk it was left on (null when unknown).
 */
public record ReviewComment(long id, String path, Integer line, String body, String diffHunk) {
    public ReviewComment(String path, Integer line, String body) {
        this(0, path, line, body, null);
    }
}
