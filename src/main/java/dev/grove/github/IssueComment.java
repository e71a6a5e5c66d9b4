package dev.grove.github;

/**
 * A comment of an issue's thread, as GitHub lists it: who wrote it ({@code authorType} {@code User} or {@code Bot}),
 * their {@code author_association} with the repository ({@code OWNER}, {@code MEMBER}, {@code COLLABORATOR},
 * {@code CONTRIBUTOR}, {@code NONE}, ...) and the body.
 */
public record IssueComment(long id, String author, String authorType, String association, String body) {
}
