package dev.grove.model;

import java.time.Duration;

/**
 * What Grove knows of one task. {@code branch} is set once the worktree exists; {@code headSha} once origin holds
 * the pushed commit; {@code prNumber} once the PR is open. {@code message} says why a task failed or ended early.
 * {@code agentRun} is what its agent did (progress, summary, cost, session), or null before it ran. {@code verify} is
 * what the verify command said of the commit being pushed (null: no verify ran, or nothing was pushed yet).
 */
public record TaskRecord(
        TaskKey key,
        int number,
        String title,
        TaskStatus status,
        String branch,
        String headSha,
        Integer prNumber,
        String prUrl,
        String message,
        Duration elapsed,
        AgentRun agentRun,
        VerifyNote verify) {

    public static TaskRecord queued(TaskKey key, int number, String title) {
        return new TaskRecord(key, number, title, TaskStatus.QUEUED, null, null, null, null, null, null, null, null);
    }

    public TaskRecord withStatus(TaskStatus s) {
        return new TaskRecord(key, number, title, s, branch, headSha, prNumber, prUrl, message, elapsed, agentRun, verify);
    }

    public TaskRecord withBranch(String b) {
        return new TaskRecord(key, number, title, status, b, headSha, prNumber, prUrl, message, elapsed, agentRun, verify);
    }

    public TaskRecord withHeadSha(String sha) {
        return new TaskRecord(key, number, title, status, branch, sha, prNumber, prUrl, message, elapsed, agentRun, verify);
    }

    public TaskRecord withPullRequest(int n, String url) {
        return new TaskRecord(key, number, title, status, branch, headSha, n, url, message, elapsed, agentRun, verify);
    }

    public TaskRecord withMessage(String m) {
        return new TaskRecord(key, number, title, status, branch, headSha, prNumber, prUrl, m, elapsed, agentRun, verify);
    }

    public TaskRecord withElapsed(Duration d) {
        return new TaskRecord(key, number, title, status, branch, headSha, prNumber, prUrl, message, d, agentRun, verify);
    }

    public TaskRecord withAgentRun(AgentRun a) {
        return new TaskRecord(key, number, title, status, branch, headSha, prNumber, prUrl, message, elapsed, a, verify);
    }

    /** What verify said of {@link #headSha}, if that was recorded; null otherwise (a note of another commit too). */
    public VerifyNote verifyOfHead() {
        return verify != null && verify.of(headSha) ? verify : null;
    }

    public TaskRecord withVerify(VerifyNote v) {
        return new TaskRecord(key, number, title, status, branch, headSha, prNumber, prUrl, message, elapsed, agentRun, v);
    }
}
