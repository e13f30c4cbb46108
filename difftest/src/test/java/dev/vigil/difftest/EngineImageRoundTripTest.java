package dev.vigil.difftest;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.ldb.ImageDecoding;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineImage;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ClamAV case of the differential tests (their own databases, the generated syntax cases, the shared signature
 * sets) through an engine image: the engine read back from the image must report the same (file, signature) pairs
 * on every input as the engine compiled from the databases, which {@link DifferentialTest} holds to clamscan's.
 */
class EngineImageRoundTripTest {

    @TempDir
    static Path scratch;

    @TestFactory
    Stream<DynamicTest> imageScansLikeTheCompiledEngine() throws IOException {
        CaseCatalog catalog = new CaseCatalog(scratch);
        List<DiffCase> cases = new ArrayList<>();
        cases.addAll(catalog.resourceCases());
        cases.addAll(catalog.generatedCases());
        cases.addAll(catalog.sharedCases());
        assertThat(cases).isNotEmpty();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> roundTrip(c)));
    }

    private static void roundTrip(DiffCase c) throws Exception {
        Engine compiled;
        try {
            compiled = VigilScanner.load(c.databases());
        } catch (DatabaseException refused) {
            return; // nothing to store; DifferentialTest checks that clamscan refuses it too
        }
        Path image = scratch.resolve(c.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".vimg");
        EngineImage.write(compiled, 1, image);
        Engine read = EngineImage.read(image, ImageDecoding.DECODER).engine();
        assertThat(read.signatureCount()).isEqualTo(compiled.signatureCount());
        for (InputGroup group : c.groups()) {
            List<String> files = group.files();
            ScanOutcome expected = VigilScanner.scan(compiled, group.root(), files, true);
            ScanOutcome actual = VigilScanner.scan(read, group.root(), files, true);
            List<String> differences = new ArrayList<>();
            for (String file : files) {
                Object want = expected.detections().get(file);
                Object got = actual.detections().get(file);
                if (!java.util.Objects.equals(want, got)
                        || !java.util.Objects.equals(expected.errors().get(file), actual.errors().get(file))) {
                    differences.add(file + ": compiled " + want + ", image " + got);
                }
            }
            assertThat(differences).as("%s / %s", c.name(), group.label()).isEmpty();
        }
    }
}
