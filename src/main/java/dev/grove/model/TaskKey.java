package dev.grove.model;

/** What every pipeline step is keyed by: the repository, the issue, and the task's slug within the issue. */
public record TaskKey(RepoRef repo, int issue, String task) {
    @Override
    public String toString() {
        return repo.fullName() + "#" + issue + "/" + task;
    }
}
