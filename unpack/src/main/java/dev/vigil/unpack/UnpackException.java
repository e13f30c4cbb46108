package dev.vigil.unpack;

import java.io.IOException;

/** A container whose structure is malformed beyond what its unpacker can read. */
public class UnpackException extends IOException {
    public UnpackException(String message) {
        super(message);
    }

    public UnpackException(String message, Throwable cause) {
        super(message, cause);
    }
}
