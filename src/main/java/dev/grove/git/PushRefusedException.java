package dev.grove.git;

/** The push guard refused a push: its target is the default branch or outside Grove's branch namespace. */
public final class PushRefusedException extends GitException {
    public PushRefusedException(String message) {
        super(message);
    }
}
