package dev.vigil.daemon;

import dev.vigil.engine.io.Strerror;

import java.nio.file.FileSystemLoopException;

/** The strerror(3) texts clamd puts into its replies, recovered from Java's I/O exceptions. */
final class Errno {
    private Errno() {
    }

    static String text(Exception e) {
        if (e instanceof FileSystemLoopException) {
            return "Too many levels of symbolic links";
        }
        return Strerror.of(e);
    }
}
