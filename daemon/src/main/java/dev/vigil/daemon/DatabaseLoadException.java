package dev.vigil.daemon;

/** A database that cannot be loaded; the message says which file and why. */
public final class DatabaseLoadException extends Exception {
    public DatabaseLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
