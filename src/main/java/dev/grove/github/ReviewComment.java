package dev.grove.github;

/** A comment of a pull request review, on a file and line ({@code line} null when GitHub gives none). */
public record ReviewComment(String path, Integer line, String body) {
}
