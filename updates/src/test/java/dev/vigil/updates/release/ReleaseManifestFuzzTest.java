package dev.vigil.updates.release;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.updates.FormatException;

import java.util.Arrays;

/**
 * Hostile bytes for the manifest and update-state parsers: a result or a FormatException, never another exception;
 * whatever parses is canonical (formats back to the same bytes). Normal runs replay the seeds in
 * ReleaseManifestFuzzTestInputs; {@code -Pfuzz} fuzzes.
 */
class ReleaseManifestFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void manifest(byte[] data) {
        try {
            ReleaseManifest m = ReleaseManifest.parse(data);
            if (!Arrays.equals(m.format(), data)) {
                throw new AssertionError("manifest does not round-trip");
            }
            if (!ReleaseManifest.parse(m.format()).equals(m)) {
                throw new AssertionError("manifest fields do not survive formatting");
            }
            ReleaseManifest.compareEngineVersions(m.minEngine(), "1.0.0");
        } catch (FormatException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void state(byte[] data) {
        try {
            TrustedState s = TrustedState.parse(data);
            if (!TrustedState.parse(s.format()).equals(s)) {
                throw new AssertionError("state does not survive formatting");
            }
        } catch (FormatException expected) {
            // refused input is fine
        }
    }
}
