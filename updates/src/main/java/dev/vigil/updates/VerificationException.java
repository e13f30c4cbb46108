package dev.vigil.updates;

/** Well-formed input that fails a cryptographic or consistency check: a signature, a proof, a root, a size. */
public class VerificationException extends Exception {
    public VerificationException(String message) {
        super(message);
    }

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
