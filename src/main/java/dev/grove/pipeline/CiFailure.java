package dev.grove.pipeline;

import dev.grove.github.CheckRunDetails;
import dev.grove.model.RepoRef;
import java.util.List;

/**
 * Another app's check failed on {@code headSha}, the head of pull requests {@code pullNumbers}: a check run
 * ({@code checkRun}), or a whole check suite ({@code checkRun} null: its failing runs are listed from GitHub).
 * {@code app} names the app that ran the check.
 */
public record CiFailure(RepoRef repo, long installationId, String cloneUrl, String defaultBranch, String headSha,
        List<Integer> pullNumbers, long checkSuiteId, CheckRunDetails checkRun, String app) {
    public CiFailure {
        pullNumbers = List.copyOf(pullNumbers);
    }
}
