package dev.vigil.clamav.cvd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.clamav.DatabaseException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hostile bytes must end in a DatabaseException or a result, never another exception or a hang. Normal test runs
 * replay the seeds in src/test/resources/.../CvdFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class CvdFuzzTest {
    private static final CvdContainer.Limits LIMITS = new CvdContainer.Limits(1 << 20, 1 << 18, 1 << 20);

    @FuzzTest(maxDuration = "60s")
    void headerParser(byte[] data) {
        try {
            HeaderParser.parseBlock(data, "fuzz");
        } catch (DatabaseException expected) {
            // refused input is fine
        }
        try {
            HeaderParser.parseLine(new String(data, StandardCharsets.ISO_8859_1), "fuzz", "line");
        } catch (DatabaseException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void tarReader(byte[] data) {
        TarReader reader = new TarReader(new ByteArrayInputStream(data), "fuzz", LIMITS);
        try {
            while (reader.next() != null) {
                // drain
            }
        } catch (DatabaseException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void infoFile(byte[] data) {
        for (InfoFile.SignatureMode mode : InfoFile.SignatureMode.values()) {
            try {
                InfoFile.parse(data, "fuzz.info", "fuzz", mode);
            } catch (DatabaseException expected) {
                // refused input is fine
            }
        }
    }

    /** Every kind, signed and not: the fuzzer cannot forge MD5s, so .cud and unverified opens reach the tar. */
    @FuzzTest(maxDuration = "120s")
    void open(byte[] data) {
        for (CvdContainer.Kind kind : CvdContainer.Kind.values()) {
            for (boolean verify : new boolean[] {true, false}) {
                try {
                    CvdContainer.open(data, kind, "fuzz", verify, LIMITS);
                } catch (DatabaseException expected) {
                    // refused input is fine
                }
            }
        }
    }
}
