package dev.grove.github;

/** A file read from a repository through the contents API: its path, blob sha and text. */
public record RepoFile(String path, String sha, String text) {
}
