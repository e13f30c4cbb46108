package dev.vigil.yara.modules.dotnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dotnet module against {@code yara -D} on real assemblies, non-.NET files and corrupted assemblies. */
class DotnetModuleTest {
    private static final DotnetModule MODULE = new DotnetModule();
    /** Debian's Mono packages: a few real assemblies of different shapes (generics, nesting, resources). */
    private static final String[] MONO_PACKAGES = {"libmono-system-core4.0-cil", "libmono-security4.0-cil",
        "libmono-system-xml4.0-cil", "libmono-microsoft-csharp4.0-cil"};

    @TempDir
    Path tmp;

    static Path shared() {
        return Path.of(System.getProperty("vigil.shared", "../../shared"));
    }

    static List<Path> conformanceFiles() throws IOException {
        Path data = shared().resolve("conformance/yara/data");
        assumeTrue(Files.isDirectory(data), "conformance data absent");
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Downloads the Mono packages into target/ once; empty when offline. */
    static List<Path> monoAssemblies() throws IOException, InterruptedException {
        Path cache = Path.of("target/dotnet-samples");
        Path extracted = cache.resolve("x");
        if (!Files.isDirectory(extracted)) {
            Files.createDirectories(cache);
            for (String pkg : MONO_PACKAGES) {
                run(cache, "apt-get", "download", pkg);
            }
            try (Stream<Path> debs = Files.list(cache)) {
                for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                    run(cache, "dpkg", "-x", deb.getFileName().toString(), "x");
                }
            }
        }
        if (!Files.isDirectory(extracted)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(extracted)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".dll") || p.toString().endsWith(".exe"))
                    .sorted().toList();
        }
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException absent) {
            // no apt-get or dpkg here: the samples are skipped
        }
    }

    private void assertSame(Path file) throws Exception {
        List<String> yara = YaraDump.yara("dotnet", file, tmp);
        List<String> vigil = YaraDump.vigil(MODULE, Files.readAllBytes(file));
        assertThat(yara).as("yara printed the module").isNotEmpty();
        assertThat(YaraDump.diff(yara, vigil)).as(file.toString()).isEmpty();
    }

    @Test
    void conformanceFilesMatchYara() throws Exception {
        YaraDump.assumeYara();
        for (Path f : conformanceFiles()) {
            assertSame(f);
        }
    }

    @Test
    void monoAssembliesMatchYara() throws Exception {
        YaraDump.assumeYara();
        List<Path> files = monoAssemblies();
        assumeTrue(!files.isEmpty(), "Mono packages unavailable (offline?)");
        for (Path f : files) {
            assertSame(f);
        }
    }

    /** Any further assemblies under the folder named by -Dvigil.dotnetSamples (skipped when unset). */
    @Test
    void extraAssembliesMatchYara() throws Exception {
        YaraDump.assumeYara();
        String dir = System.getProperty("vigil.dotnetSamples");
        assumeTrue(dir != null && !dir.isEmpty(), "-Dvigil.dotnetSamples not set");
        try (Stream<Path> s = Files.walk(Path.of(dir))) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                assertSame(f);
            }
        }
    }

    /** Corrupted assemblies: random bytes overwritten inside the metadata must give yara's values too. */
    @Test
    void corruptedAssembliesMatchYara() throws Exception {
        YaraDump.assumeYara();
        List<Path> samples = new ArrayList<>();
        samples.add(shared().resolve("conformance/yara/data/dotnet_misaligned_guid"));
        List<Path> mono = monoAssemblies();
        if (!mono.isEmpty()) {
            samples.add(mono.stream().filter(p -> p.toString().endsWith("Mono.Security.dll")).findFirst()
                    .orElse(mono.get(0)));
        }
        Random random = new Random(42);
        for (Path sample : samples) {
            assumeTrue(Files.isRegularFile(sample));
            byte[] original = Files.readAllBytes(sample);
            int metadata = Math.max(0, indexOf(original, "BSJB".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            for (int round = 0; round < Integer.getInteger("vigil.mutationRounds", 60); round++) {
                byte[] data = original.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    // Mostly inside the metadata headers and tables, where the parsing decisions are.
                    int at = random.nextBoolean() ? metadata + random.nextInt(4096) : random.nextInt(data.length);
                    data[Math.min(at, data.length - 1)] = (byte) random.nextInt(256);
                }
                Path f = tmp.resolve("mutant-" + round);
                Files.write(f, data);
                assertSame(f);
            }
        }
    }
}
