package dev.grove.github;

/** A comment on an issue or pull request, as listed: its id and body. */
public record IssueCommentRef(long id, String body) {
}
