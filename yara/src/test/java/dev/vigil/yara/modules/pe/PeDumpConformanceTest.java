package dev.vigil.yara.modules.pe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.yara.modules.ModuleDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every value of the pe module equals what {@code yara -D} prints for the same file. */
class PeDumpConformanceTest {
    @TempDir
    static Path temp;
    static Path rule;

    @BeforeAll
    static void writeRule() throws IOException {
        rule = temp.resolve("pe.yar");
        Files.writeString(rule, "import \"pe\"\nrule a { condition: true }\n");
    }

    static Stream<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        Path shared = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance/yara/data");
        if (Files.isDirectory(shared)) {
            try (Stream<Path> s = Files.list(shared)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        Path clam = Path.of("/usr/share/clamav-testfiles");
        if (Files.isDirectory(clam)) {
            try (Stream<Path> s = Files.list(clam)) {
                s.filter(p -> p.getFileName().toString().endsWith(".exe")).sorted().forEach(files::add);
            }
        }
        files.addAll(SignedSamples.files());
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void sameValuesAsYara(Path file) throws Exception {
        YaraOracle.assumePresent();
        List<String> expected = ModuleDump.flattenYaraOutput(YaraOracle.dumpPe(rule, file));
        List<String> actual = ModuleDump.flatten("pe", PeSchema.SCHEMA, PeModule.load(Files.readAllBytes(file)));
        assertThat(expected).as("yara printed the pe module").contains("pe.IMPORT_ANY = -1");
        assertThat(actual).as(file.toString()).containsExactlyElementsOf(expected);
        if (Boolean.getBoolean("vigil.peDumpStats")) {
            System.out.println("PE-DUMP " + file.getFileName() + " lines=" + expected.size());
        }
    }
}
