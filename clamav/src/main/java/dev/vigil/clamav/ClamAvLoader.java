package dev.vigil.clamav;

import dev.vigil.engine.EngineBuilder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads ClamAV databases into an {@link EngineBuilder}: single files by extension, {@code .cvd/.cld/.cud}
 * containers, and directories in the order {@code clamscan -d DIR} uses.
 */
public final class ClamAvLoader {
    private final LoadOptions options;

    public ClamAvLoader(LoadOptions options) {
        this.options = options;
    }

    /**
     * Loads a file or directory. Returns the number of detection signatures added.
     *
     * @throws DatabaseException for a malformed database (names file and line), as ClamAV refuses to load it
     */
    public int load(Path fileOrDirectory, EngineBuilder into) throws IOException, DatabaseException {
        throw new UnsupportedOperationException("TODO(clamav): loader");
    }
}
