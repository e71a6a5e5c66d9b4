package dev.grove.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets the pipeline stop a running agent (e.g. {@code /grove cancel}): {@link #cancel(String)} kills the agent's whole
 * process tree, and its run ends as {@link AgentOutcome.Cancelled}. Cancelling before the agent starts makes it not
 * start. Thread-safe; cancelling twice is harmless.
 */
public final class CancelSignal implements dev.grove.sandbox.Cancellable {
    private final List<Runnable> onCancel = new ArrayList<>();
    private String reason;

    public void cancel(String why) {
        List<Runnable> actions;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null || why.isBlank() ? "cancelled" : why;
            actions = List.copyOf(onCancel);
            onCancel.clear();
        }
        actions.forEach(Runnable::run);
    }

    @Override
    public synchronized boolean isCancelled() {
        return reason != null;
    }

    /** Why it was cancelled, or null. */
    public synchronized String reason() {
        return reason;
    }

    /** Runs {@code action} on cancel, or now if already cancelled. */
    @Override
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (reason == null) {
                onCancel.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public void forget(Runnable action) {
        synchronized (this) {
            onCancel.remove(action);
        }
    }
}
