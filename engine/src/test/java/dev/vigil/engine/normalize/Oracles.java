package dev.vigil.engine.normalize;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates clamscan; tests skip without it unless -Dvigil.requireOracles=true. */
final class Oracles {
    static final String CLAMSCAN = System.getProperty("vigil.clamscan", "/usr/bin/clamscan");

    private Oracles() {
    }

    static void assumeClamscan() {
        boolean present = Files.isExecutable(Path.of(CLAMSCAN));
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("clamscan required but not found at " + CLAMSCAN);
        }
        assumeTrue(present, "clamscan not installed");
    }
}
