package dev.grove.git;

/** A git operation failed; the message says which and why, without credentials. */
public class GitException extends RuntimeException {
    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
