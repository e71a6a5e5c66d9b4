package dev.grove.github;

/** One annotation of a check run: a file and lines, its level ({@code failure}, {@code warning}, {@code notice}) and text. */
public record CheckAnnotation(String path, int startLine, int endLine, String level, String title, String message,
        String rawDetails) {
}
