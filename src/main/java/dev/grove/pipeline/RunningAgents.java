package dev.grove.pipeline;

import dev.grove.agent.CancelSignal;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents running now, by task, so that {@code /grove cancel} can stop them: cancelling kills the agent's whole
 * process tree, and the task ends as failed with the reason (its worktree, branch and log kept).
 */
public final class RunningAgents {
    private final Map<TaskKey, CancelSignal> running = new ConcurrentHashMap<>();

    CancelSignal register(TaskKey key) {
        CancelSignal s = new CancelSignal();
        running.put(key, s);
        return s;
    }

    void done(TaskKey key, CancelSignal s) {
        running.remove(key, s);
    }

    /** How many agents are running now. */
    public int count() {
        return running.size();
    }

    public boolean isRunning(TaskKey key) {
        return running.containsKey(key);
    }

    /** Stops the task's agent; false if none was running. */
    public boolean cancel(TaskKey key, String reason) {
        CancelSignal s = running.get(key);
        if (s == null) return false;
        s.cancel(reason);
        return true;
    }

    /** Stops every agent of the issue; returns how many were running. */
    public int cancelIssue(RepoRef repo, int issue, String reason) {
        int n = 0;
        for (var e : running.entrySet()) {
            if (e.getKey().repo().equals(repo) && e.getKey().issue() == issue) {
                e.getValue().cancel(reason);
                n++;
            }
        }
        return n;
    }

    /** Stops every agent (shutdown); returns how many were running. */
    public int cancelAll(String reason) {
        int n = 0;
        for (CancelSignal s : running.values()) {
            s.cancel(reason);
            n++;
        }
        return n;
    }
}
