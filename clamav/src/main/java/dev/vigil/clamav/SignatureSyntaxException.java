package dev.vigil.clamav;

/** A signature line that does not parse; the loader adds the file and line. */
public final class SignatureSyntaxException extends Exception {
    public SignatureSyntaxException(String message) {
        super(message);
    }
}
