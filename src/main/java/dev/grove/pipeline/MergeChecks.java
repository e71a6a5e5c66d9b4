package dev.grove.pipeline;

import dev.grove.git.CachedRepo;
import dev.grove.github.GitHubGateway;
import dev.grove.model.MergeCheck;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.publish.CheckRunReporter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** After a run: whether its task branches merge together, and the conflicts shown on the tasks' check runs. */
final class MergeChecks {
    private static final Logger log = LoggerFactory.getLogger(MergeChecks.class);
    private final PipelineSteps steps;

    MergeChecks(PipelineSteps steps) {
        this.steps = steps;
    }

    /**
     * Once the run's tasks have pushed: every pair of their branches, and all together, merged in memory. Null when
     * fewer than two branches were pushed, or when the check itself failed (logged; the run's result stands).
     */
    MergeCheck check(CachedRepo clone, String baseSha, List<TaskRecord> tasks) {
        Map<String, String> tips = new LinkedHashMap<>();
        for (TaskRecord t : tasks) {
            if (t.branch() != null && t.headSha() != null
                    && (t.status() == TaskStatus.PR_OPENED || t.status() == TaskStatus.PUSHED)) {
                tips.put(t.branch(), t.headSha());
            }
        }
        if (tips.size() < 2) {
            return null;
        }
        try {
            return steps.git().mergeCheck(clone, baseSha, tips);
        } catch (RuntimeException e) {
            log.warn("could not check whether the branches of {} merge: {}", clone.repo(), e.getMessage());
            return null;
        }
    }

    /**
     * A task whose branch conflicts with another task's gets its check run turned {@code neutral}, with the other
     * branches and the files in the summary, so the PR itself says it cannot be merged together with the other one.
     */
    void reportConflicts(GitHubGateway github, RepoRef repo, List<TaskRecord> tasks, MergeCheck check) {
        if (check == null) {
            return;
        }
        CheckRunReporter checks = new CheckRunReporter(github, steps.store());
        for (TaskRecord t : tasks) {
            if (t.branch() == null || !check.branches().contains(t.branch())) continue;
            MergeCheck.BranchResult result = check.forBranch(t.branch());
            if (!result.conflicts()) continue;
            steps.store().checkRun(t.key()).ifPresent(id -> checks.complete(repo, t.key(), id, result.conclusion(),
                    "Conflicts with another task of #" + t.key().issue(),
                    result.reason() + "\n\nMerge one of them first, then retry the other on top of it.",
                    steps.clock().instant()));
        }
    }
}
