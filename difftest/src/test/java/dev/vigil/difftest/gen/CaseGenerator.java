package dev.vigil.difftest.gen;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one differential case into an empty folder, in the same layout as a case under
 * {@code src/test/resources/cases/<name>/}: database files at the top, inputs under {@code inputs/}, and optionally
 * a {@code case.properties}. Generators must be deterministic (fixed seeds), so a failure reproduces.
 *
 * <p>Register an implementation by adding its class name to
 * {@code src/test/resources/META-INF/services/dev.vigil.difftest.gen.CaseGenerator}; it needs a public no-argument
 * constructor.
 */
public interface CaseGenerator {

    /** Unique case name (letters, digits, {@code -_.}). */
    String name();

    void generate(Path caseDir) throws IOException;
}
