package dev.vigil.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Vigil's own temporary space: files readable only by this user, under the JVM's temporary directory. */
final class TempFiles {
    private TempFiles() {
    }

    static Path create() throws IOException {
        try {
            return Files.createTempFile("vigil-", ".spool",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile("vigil-", ".spool");
        }
    }
}
