package dev.grove.github;

/** A pull request Grove opened or found: its number and web address. */
public record PullRequestRef(int number, String htmlUrl) {
}
