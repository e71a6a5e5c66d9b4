package dev.grove.pipeline;

import dev.grove.git.CachedRepo;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Checklist;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a Grove pull request is closed: the task's worktree is removed; when it was merged and the repository's
 * config says {@code delete_branch_on_merge}, the branch is deleted on GitHub and in the clone; otherwise the branch
 * is kept. The task's record says which, for the tracking comment. A merge also ticks the task's checklist item in
 * the issue body (that line's checkbox only); once every task of the issue is merged (or needed no change), Grove
 * posts a summary and, with {@code close_issue} (the default), closes the issue.
 */
public final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);
    private final PipelineSteps steps;

    public Cleaner(PipelineSteps steps) {
        this.steps = steps;
    }

    /** Returns the task's new record, or empty when the PR is not one of Grove's. */
    public Optional<TaskRecord> closed(RepoRef repo, long installationId, String cloneUrl, int pullNumber,
            boolean merged, boolean deleteBranchOnMerge, boolean closeIssue) throws IOException {
        return closed(repo, installationId, cloneUrl, pullNumber, merged, deleteBranchOnMerge, closeIssue, null, null,
                c -> { });
    }

    /**
     * As above; when it merged into {@code base}, the task PRs stacked on it are first retargeted to {@code base},
     * and the issue's open task PRs brought up to date with it (see {@link BranchUpdates}), before its branch may be
     * deleted; those that conflict with the new base go to {@code conflicts}. {@code defaultBranch} is never pushed to.
     */
    public Optional<TaskRecord> closed(RepoRef repo, long installationId, String cloneUrl, int pullNumber,
            boolean merged, boolean deleteBranchOnMerge, boolean closeIssue, String base, String defaultBranch,
            java.util.function.Consumer<BaseConflict> conflicts) throws IOException {
        Optional<TaskRecord> found = steps.store().taskByPullRequest(repo, pullNumber);
        if (found.isEmpty() || found.get().branch() == null) {
            return Optional.empty();
        }
        TaskRecord rec = found.get();
        if (rec.status() == TaskStatus.MERGED || rec.status() == TaskStatus.CLOSED && !merged) {
            // a redelivered close: done already, nothing to remove or delete again (a PR closed, reopened and then
            // merged does go on). But the job that recorded the merge may have stopped before the issue's steps (a
            // crash, GitHub failing): what is left of them is done now, each step once
            if (merged) {
                finishIssue(steps.gateways().apply(installationId), repo, rec, closeIssue);
            }
            return Optional.of(rec);
        }
        String branch = rec.branch();
        if (merged && base != null) {
            try {
                new BranchUpdates(steps).afterMerge(steps.gateways().apply(installationId), repo, installationId,
                        cloneUrl, rec, base, defaultBranch).forEach(conflicts);
            } catch (RuntimeException e) {
                log.warn("{}#{}: the PRs stacked on it could not be updated: {}", repo, pullNumber, e.getMessage());
            }
        }
        CachedRepo clone = steps.workspaces().sync(repo, cloneUrl, installationId);
        boolean delete = merged && deleteBranchOnMerge;
        steps.workspaces().release(clone, branch, rec.headSha(), delete);
        if (delete) {
            steps.gateways().apply(installationId).deleteBranch(repo, branch);
        }
        String message = "worktree removed; branch " + (delete ? "deleted" : "kept");
        TaskRecord updated = rec.withStatus(merged ? TaskStatus.MERGED : TaskStatus.CLOSED).withMessage(message);
        steps.store().saveTask(updated);
        log.info("{} #{} {}: {}", repo, pullNumber, merged ? "merged" : "closed", message);
        if (merged) {
            finishIssue(steps.gateways().apply(installationId), repo, updated, closeIssue);
        }
        return Optional.of(updated);
    }

    /**
     * After the issue's agents were told to stop: waits (up to {@code wait}) for its run to end, then removes the
     * worktree of every task whose branch origin does not hold. The local branches stay (they may hold commits).
     * Returns how many worktrees were removed.
     */
    public int removeUnpushedWorktrees(RunRequest req, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!steps.store().tryStartRun(req.repo(), req.issueNumber())) {
            if (System.nanoTime() > deadline) {
                log.warn("{}#{}: the run did not end within {}; its worktrees are left", req.repo(), req.issueNumber(),
                        wait);
                return 0;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        try {
            CachedRepo clone = steps.workspaces().sync(req.repo(), req.cloneUrl(), req.installationId());
            int removed = 0;
            for (TaskRecord t : steps.store().tasks(req.repo(), req.issueNumber())) {
                if (t.branch() == null || t.status().hasPullRequest() || t.status() == TaskStatus.PUSHED) continue;
                if (!steps.workspaces().hasWorktree(req.repo(), t.branch()) || onOrigin(clone, t.branch())) continue;
                steps.workspaces().release(clone, t.branch(), t.headSha(), false);
                removed++;
            }
            return removed;
        } finally {
            steps.store().finishRun(req.repo(), req.issueNumber());
        }
    }

    private boolean onOrigin(CachedRepo clone, String branch) {
        try {
            return steps.git().remoteBranchHead(clone, branch) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The issue's steps after a merge, each recorded in the store once taken, so that a retry does what is left and
     * nothing twice: the task's checklist item ticked; once every task is merged (or needed no change), the summary
     * posted (found by its marker if it was posted but not recorded) and, with {@code closeIssue}, the issue closed.
     */
    private void finishIssue(GitHubGateway github, RepoRef repo, TaskRecord merged, boolean closeIssue)
            throws IOException {
        int issue = merged.key().issue();
        String tick = "tick " + merged.key().task();
        if (!steps.store().issueStepDone(repo, issue, tick)) {
            String body = github.issueBody(repo, issue);
            Optional<String> ticked = Checklist.tick(body, merged.title());
            if (ticked.isPresent()) {
                github.editIssueBody(repo, issue, ticked.get());
            }
            steps.store().markIssueStepDone(repo, issue, tick);
        }
        // the plan's tasks only: attempts and the planner have records too
        List<TaskRecord> tasks = steps.store().tasks(repo, issue).stream().filter(t -> t.key().inPlan()).toList();
        boolean allDone = !tasks.isEmpty() && tasks.stream()
                .allMatch(t -> t.status() == TaskStatus.MERGED || t.status() == TaskStatus.NO_CHANGES);
        if (!allDone) {
            return;
        }
        if (!steps.store().issueStepDone(repo, issue, SUMMARY)) {
            // looked for only when an earlier job began to post it: it may have stopped between posting and recording
            if (!(steps.store().issueStepDone(repo, issue, SUMMARY_BEGUN) && summaryPosted(github, repo, issue))) {
                steps.store().markIssueStepDone(repo, issue, SUMMARY_BEGUN);
                List<TaskRecord> prs = tasks.stream().filter(t -> t.status() == TaskStatus.MERGED).toList();
                StringBuilder summary = new StringBuilder("All ").append(prs.size())
                        .append(prs.size() == 1 ? " task pull request of" : " task pull requests of").append(" #")
                        .append(issue).append(" are merged:\n");
                prs.forEach(t -> summary.append("- #").append(t.prNumber()).append(" ").append(t.title()).append('\n'));
                summary.append(closeIssue ? "\nGrove closes this issue (`close_issue: false` in `.github/grove.yml` "
                        + "keeps it open)." : "\nThe issue stays open (`close_issue: false`).");
                summary.append("\n").append(SUMMARY_MARKER);
                github.commentOnIssue(repo, issue, summary.toString());
            }
            steps.store().markIssueStepDone(repo, issue, SUMMARY);
        }
        if (closeIssue && !steps.store().issueStepDone(repo, issue, CLOSE)) {
            github.closeIssue(repo, issue);
            steps.store().markIssueStepDone(repo, issue, CLOSE);
        }
        log.info("{}#{}: every task merged; issue {}", repo, issue, closeIssue ? "closed" : "left open");
    }

    /** Whether the summary is on the issue already (posted by a job that stopped before recording it). */
    private static boolean summaryPosted(GitHubGateway github, RepoRef repo, int issue) {
        try {
            return github.issueComments(repo, issue, java.time.Instant.EPOCH).stream()
                    .anyMatch(c -> c.body() != null && c.body().contains(SUMMARY_MARKER));
        } catch (IOException | UnsupportedOperationException e) {
            log.info("{}#{}: could not list the comments to look for the summary ({}); posting it", repo, issue,
                    e.getMessage());
            return false;
        }
    }

    static final String SUMMARY = "summary";
    static final String SUMMARY_BEGUN = "summary begun";
    static final String CLOSE = "close";
    /** Hidden in the summary comment, so that it can be found again. */
    static final String SUMMARY_MARKER = "<!-- grove:issue-merged -->";
}
