package dev.vigil.updates;

/** Input that does not follow the format it claims to be (a note, a checkpoint, a proof, a tile, a witness body). */
public class FormatException extends Exception {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
