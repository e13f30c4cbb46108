package dev.vigil.daemon;

/** A configuration vigild cannot start with; the message names the file, the line and the problem. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
