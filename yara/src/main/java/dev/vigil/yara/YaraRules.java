package dev.vigil.yara;

import java.io.IOException;
import java.nio.file.Path;

/** A compiled, immutable, thread-safe YARA rule set. */
public final class YaraRules {

    YaraRules() {
    }

    /** Number of rules, private ones included. */
    public int ruleCount() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Scans bytes with these rules alone. */
    public YaraScanResult scan(byte[] data, YaraScanOptions options) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Scans a file with these rules alone, in bounded memory. */
    public YaraScanResult scan(Path file, YaraScanOptions options) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
