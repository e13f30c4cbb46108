package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/** Entry point for executable header parsing: PE, ELF and Mach-O. */
public final class Executables {
    private Executables() {
    }

    /**
     * Parses the headers of a PE, ELF or Mach-O file. Returns null when the data is none of these or its headers
     * are malformed; never throws on hostile content (only on I/O failure).
     */
    public static ExecutableInfo parse(ScanInput input) throws IOException {
        return null; // TODO(exe): PE, ELF, Mach-O parsers
    }
}
