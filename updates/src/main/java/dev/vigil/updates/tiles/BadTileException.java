package dev.vigil.updates.tiles;

import java.io.IOException;

/** A tile or entry bundle that was fetched but has the wrong size or content. */
public final class BadTileException extends IOException {
    public BadTileException(String message) {
        super(message);
    }
}
