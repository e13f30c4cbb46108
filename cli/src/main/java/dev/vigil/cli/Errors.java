package dev.vigil.cli;

import dev.vigil.engine.io.Strerror;

/** Turns Java's I/O exceptions back into the strerror(3) texts that clamscan prints. */
final class Errors {
    private Errors() {
    }

    static String strerror(Exception e) {
        return Strerror.of(e);
    }
}
