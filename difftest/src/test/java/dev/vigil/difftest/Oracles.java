package dev.vigil.difftest;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the reference engine and the shared test data are. A missing oracle skips the test, unless the build asked
 * for oracles with {@code -Dvigil.requireOracles=true} (CI does), in which case it fails: a CI run that silently
 * skipped every comparison would prove nothing.
 */
public final class Oracles {
    public static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    private Oracles() {
    }

    public static boolean required() {
        return Boolean.getBoolean("vigil.requireOracles");
    }

    /** The clamscan binary; skips (or fails when oracles are required) if it is not installed. */
    public static Path clamscan() {
        require(Files.isExecutable(CLAMSCAN), CLAMSCAN + " is not installed");
        return CLAMSCAN;
    }

    /** The shared data folder (signatures/, conformance/); skips or fails like {@link #clamscan()}. */
    public static Path shared() {
        String configured = System.getProperty("vigil.shared");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        require(Files.isDirectory(dir.resolve("signatures")), "shared data not found at " + dir.toAbsolutePath()
                + " (set -Dvigil.shared)");
        return dir.toAbsolutePath().normalize();
    }

    private static void require(boolean present, String why) {
        if (required()) {
            Assertions.assertTrue(present, why + " and -Dvigil.requireOracles=true");
        } else {
            Assumptions.assumeTrue(present, why + "; skipped");
        }
    }
}
