package dev.grove.publish;

import dev.grove.github.CheckAction;
import dev.grove.github.CheckRunRequest;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.publish.PublishOutcome.Pushed;
import dev.grove.report.CheckRunSummaryRenderer;
import java.time.Duration;
import dev.grove.store.StateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.VerifyNote;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check run {@code grove / <task title>} per pushed head of a task: in progress while Grove finishes the task
 * (with a Cancel button), then completed with its conclusion and summary (with a Retry button). Its
 * {@code external_id} is the task's key, which is how {@code check_run} events find the task again. A check run
 * that GitHub refuses is logged, never a reason to fail the task.
 */
public final class CheckRunReporter {
    private static final Logger log = LoggerFactory.getLogger(CheckRunReporter.class);
    public static final String NAME_PREFIX = "grove / ";
    public static final String RETRY = "retry";
    public static final String CANCEL = "cancel";
    static final CheckAction RETRY_ACTION = new CheckAction("Retry", "Run this task's agent again", RETRY);
    static final CheckAction CANCEL_ACTION = new CheckAction("Cancel", "Stop this task's agent", CANCEL);

    private final GitHubGateway github;
    private final StateStore store;
    private final CheckRunSummaryRenderer summaries = new CheckRunSummaryRenderer();

    public CheckRunReporter(GitHubGateway github, StateStore store) {
        this.github = github;
        this.store = store;
    }

    public static String name(String taskTitle) {
        String n = NAME_PREFIX + taskTitle.replace('\n', ' ').strip();
        return n.length() > 200 ? n.substring(0, 199) + "…" : n;
    }

    /** Creates the in-progress check run on {@code headSha}; returns its id, or -1 when GitHub refused it. */
    public long start(RepoRef repo, TaskKey key, String title, String headSha, Instant startedAt, String what) {
        try {
            long id = github.createCheckRun(repo, new CheckRunRequest(name(title), headSha, key.toString(),
                    "in_progress", null, startedAt, null, what, what, null, List.of(CANCEL_ACTION)));
            store.saveCheckRun(key, id);
            return id;
        } catch (IOException | RuntimeException e) {
            log.warn("could not create the check run of {}: {}", key, e.getMessage());
            return -1;
        }
    }

    /**
     * The check run of a head pushed by a run that stopped (a {@code kill -9}, a crash) before it finished it: the
     * task's run on {@code headSha} (same name, {@code external_id} the task's key) if GitHub has one, else a new one.
     * Returns its id, to complete once the pull request is settled; or -1 when there is nothing left to complete (the
     * run found is completed already) or GitHub could not be asked (then none is made: never a second one per head).
     */
    public long resume(RepoRef repo, TaskKey key, String title, String headSha, Instant now) {
        if (headSha == null) {
            return -1;
        }
        List<dev.grove.github.CheckRunRef> found;
        try {
            found = github.checkRuns(repo, headSha, name(title)).stream()
                    .filter(c -> key.toString().equals(c.externalId())).toList();
        } catch (IOException | RuntimeException e) {
            log.warn("could not look up the check run of {} on {}: {}", key, headSha, e.getMessage());
            return -1;
        }
        if (found.isEmpty()) {
            return start(repo, key, title, headSha, now, RESUMED);
        }
        if (found.stream().anyMatch(dev.grove.github.CheckRunRef::completed)) {
            return -1;
        }
        long id = found.get(0).id();
        store.saveCheckRun(key, id);
        return id;
    }

    /** What a resumed task's check run says. */
    public static final String RESUMED = "Resumed after a restart: opening the pull request";

    /**
     * Completes a resumed task's check run. The agent did not run again; what verify said of this head before the push
     * is kept with the task ({@code verify}): {@code success} or {@code failure} by it, {@code neutral} without one.
     */
    public void completeResumed(RepoRef repo, TaskKey key, long id, String branch, Integer prNumber,
            VerifyNote verify, Instant now) {
        String title = verify == null ? "Pushed; resumed after a restart"
                : (verify.passed() ? "Verified" : "Verify failed") + "; resumed after a restart";
        String conclusion = verify == null ? "neutral" : verify.passed() ? "success" : "failure";
        complete(repo, key, id, conclusion, title, title + ": Grove stopped after pushing `" + branch + "`"
                + " and, started again, found the push on origin"
                + (prNumber == null ? "; the pull request could not be opened yet." : " and settled pull request #"
                + prNumber + ".") + (verify == null ? " The agent did not run again, so verify's result of this head is"
                + " not known here." : " Verify ran on this head before the push: " + verify.summary()), now);
    }

    /** Shows a progress line in the in-progress check run's output (the caller throttles). */
    public void progress(RepoRef repo, TaskKey key, long id, String line) {
        if (id < 0) {
            return;
        }
        String title = line.length() > 200 ? line.substring(0, 199) + "…" : line;
        try {
            github.updateCheckRun(repo, id, new CheckRunRequest(null, null, key.toString(), "in_progress", null,
                    null, null, title, title, null, List.of(CANCEL_ACTION)));
        } catch (IOException | RuntimeException e) {
            log.warn("could not show progress in the check run of {}: {}", key, e.getMessage());
        }
    }

    /** Completes the check run with {@code success}, {@code failure} or {@code neutral}. */
    public void complete(RepoRef repo, TaskKey key, long id, String conclusion, String title, String summary, Instant at) {
        if (id < 0) {
            return;
        }
        try {
            github.updateCheckRun(repo, id, new CheckRunRequest(null, null, key.toString(), "completed", conclusion,
                    null, at, title, summary, null, List.of(RETRY_ACTION)));
        } catch (IOException | RuntimeException e) {
            log.warn("could not complete the check run of {}: {}", key, e.getMessage());
        }
    }

    /**
     * Completes the check run of a pushed head with what verify said: {@code success}, {@code failure}, or
     * {@code neutral} when no verify command is configured. {@code title} is the check's title, {@code headline} the
     * first line of its summary.
     */
    public void completePushed(RepoRef repo, TaskKey key, long id, String title, String headline, Pushed pushed,
            String agentTail, Duration agentTime, Instant start, Instant now) {
        VerifyResult verify = pushed.verify();
        String conclusion = verify == null ? "neutral" : verify.passed() ? "success" : "failure";
        complete(repo, key, id, conclusion, title, summaries.render(new CheckRunSummaryRenderer.Report(headline,
                agentTail, pushed.files(), verify == null ? null : verify.summary(), verify == null ? null : verify.tail(),
                agentTime, verify == null ? null : verify.elapsed(), Duration.between(start, now))), now);
    }

    /** The title of a pushed head's check: {@code <prefix>; verify passed} and the like. */
    public static String verifyTitle(String pushedWord, VerifyResult verify) {
        if (verify == null) return pushedWord + "; no verify command configured";
        return pushedWord + "; verify " + (verify.passed() ? "passed" : "failed");
    }
}
