package dev.grove.sandbox;

/** A way to stop a running sandbox from elsewhere (e.g. {@code /grove cancel}). */
public interface Cancellable {
    Cancellable NEVER = new Cancellable() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
        }

        @Override
        public void forget(Runnable action) {
        }
    };

    boolean isCancelled();

    /** Runs {@code action} on cancel, or at once if already cancelled. */
    void onCancel(Runnable action);

    void forget(Runnable action);
}
