package dev.vigil.yara.modules.pe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.yara.modules.ModuleDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged PE files (bytes overwritten in the headers and tables, truncations) give the same values as
 * {@code yara -D}: the differential check of the hostile-input paths. Seeded, so failures reproduce; the number of
 * mutants per file is {@code -Dvigil.peMutants} (default 12).
 */
class PeMutationConformanceTest {
    @TempDir
    static Path temp;
    static Path rule;

    @BeforeAll
    static void writeRule() throws IOException {
        rule = temp.resolve("pe.yar");
        Files.writeString(rule, "import \"pe\"\nrule a { condition: true }\n");
    }

    record Mutant(String name, long seed) {
        @Override
        public String toString() {
            return name + "#" + seed;
        }
    }

    static Stream<Mutant> mutants() {
        Path shared = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance/yara/data");
        List<String> bases = List.of("tiny", "pe_imports", "pe_mingw", "mtxex.dll", "ChipTune.efi", "weird_rich",
                "tiny-overlay", "dotnet_misaligned_guid");
        int count = Integer.getInteger("vigil.peMutants", 12);
        List<Mutant> out = new ArrayList<>();
        for (String b : bases) {
            if (Files.isRegularFile(shared.resolve(b))) {
                for (int i = 0; i < count; i++) {
                    out.add(new Mutant(shared.resolve(b).toString(), b.hashCode() * 1000L + i));
                }
            }
        }
        for (Path signed : SignedSamples.files()) {
            String n = signed.getFileName().toString();
            if (n.equals("shimx64.efi.signed") || n.equals("gcdx64.efi.signed") || n.equals("System.dll")) {
                for (int i = 0; i < count; i++) {
                    out.add(new Mutant(signed.toString(), n.hashCode() * 1000L + i));
                }
            }
        }
        return out.stream();
    }

    /** Overwrites a few bytes, mostly where headers, directories and tables live, sometimes truncates. */
    static byte[] mutate(byte[] original, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] d = original.clone();
        int edits = 1 + r.nextInt(8);
        for (int i = 0; i < edits; i++) {
            int at;
            if (d.length > 65536 && r.nextBoolean()) {
                // Large samples here are signed: aim at the certificate table at the end.
                at = d.length - 1 - r.nextInt(16384);
            } else {
                at = r.nextInt(r.nextInt(4) == 0 ? d.length : Math.min(d.length, 4096));
            }
            switch (r.nextInt(4)) {
                case 0 -> d[at] = (byte) r.nextInt(256);
                case 1 -> d[at] = 0;
                case 2 -> d[at] = (byte) 0xff;
                default -> d[at] ^= (byte) (1 << r.nextInt(8));
            }
        }
        if (r.nextInt(6) == 0) {
            d = java.util.Arrays.copyOf(d, r.nextInt(d.length + 1));
        }
        return d;
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void sameValuesAsYara(Mutant m) throws Exception {
        YaraOracle.assumePresent();
        byte[] data = mutate(Files.readAllBytes(Path.of(m.name())), m.seed());
        Path file = temp.resolve("mutant-" + m.seed());
        Files.write(file, data);
        try {
            List<String> expected = ModuleDump.flattenYaraOutput(YaraOracle.dumpPe(rule, file));
            List<String> actual = ModuleDump.flatten("pe", PeSchema.SCHEMA, PeModule.load(data));
            assertThat(actual).as(m.toString()).containsExactlyElementsOf(expected);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
