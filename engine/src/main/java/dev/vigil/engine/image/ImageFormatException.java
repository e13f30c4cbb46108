package dev.vigil.engine.image;

import java.io.IOException;

/** An engine image that is truncated, corrupt, from another format version, or inconsistent. */
public class ImageFormatException extends IOException {
    public ImageFormatException(String message) {
        super(message);
    }
}
