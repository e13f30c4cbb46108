package dev.vigil.difftest;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Vigil against clamscan: for every case, one test per mode. {@code --allmatch}: the (file, signature name) pairs
 * must be identical. First match (clamscan's default): every file's clean/infected verdict must be identical.
 * Databases that clamscan refuses must make Vigil's loader throw {@code DatabaseException}.
 *
 * <p>{@code -Dvigil.difftest.only=REGEX} runs only the cases whose name matches, e.g. {@code 'rfxn.*'}.
 */
class DifferentialTest {

    @TempDir
    static Path scratch;

    private static CaseCatalog catalog;
    private static CaseRunner runner;

    private static synchronized void init() throws IOException {
        if (runner == null) {
            runner = new CaseRunner(new Clamscan(Oracles.clamscan()), scratch);
            catalog = new CaseCatalog(scratch);
        }
    }

    @TestFactory
    Stream<DynamicNode> resourceCases() throws IOException {
        Oracles.clamscan();
        init();
        return nodes(catalog.resourceCases());
    }

    @TestFactory
    Stream<DynamicNode> generatedCases() throws IOException {
        Oracles.clamscan();
        init();
        return nodes(catalog.generatedCases());
    }

    @TestFactory
    Stream<DynamicNode> sharedSignatureSets() throws IOException {
        Oracles.clamscan();
        init();
        return nodes(catalog.sharedCases());
    }

    private static Stream<DynamicNode> nodes(List<DiffCase> cases) {
        Pattern only = Pattern.compile(System.getProperty("vigil.difftest.only", ".*"));
        return cases.stream().filter(c -> only.matcher(c.name()).matches()).map(c -> DynamicContainer.dynamicContainer(c.name() + " (" + c.origin() + ")",
                Stream.of(
                        DynamicTest.dynamicTest("--allmatch: same (file, signature) pairs",
                                () -> runner.check(c, true)),
                        DynamicTest.dynamicTest("first match: same verdict per file",
                                () -> runner.check(c, false)))));
    }
}
