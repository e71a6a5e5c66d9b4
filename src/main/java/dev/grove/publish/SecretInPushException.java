package dev.grove.publish;

/**
 * A commit Grove was about to push adds a line holding a secret: nothing was pushed. The message names the file and
 * what kind of secret it is, never the secret.
 */
public final class SecretInPushException extends RuntimeException {
    public SecretInPushException(String message) {
        super(message);
    }
}
