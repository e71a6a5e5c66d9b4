package dev.grove.model;

/**
 * A request to run an issue's tasks, as taken from a webhook: where the repository is, which issue, who asked.
 * {@code cloneUrl} is the payload's {@code repository.clone_url} (GitHub Enterprise and tests give other hosts).
 */
public record RunRequest(
        RepoRef repo,
        long installationId,
        int issueNumber,
        String issueTitle,
        String issueBody,
        String requestedBy,
        String cloneUrl,
        String defaultBranch) {
}
