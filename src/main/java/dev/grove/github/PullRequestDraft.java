package dev.grove.github;

/** What Grove asks GitHub to open: head is the task branch, base the branch it was made from. */
public record PullRequestDraft(String title, String head, String base, String body, boolean draft) {
}
