package dev.vigil.unpack.archive;

import dev.vigil.unpack.UnpackLimits;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vigil's RAR unpacking against libarchive's {@code bsdtar} on every RAR test archive of libarchive's own sources
 * ({@link LibarchiveRarSamples}): where bsdtar extracts an archive cleanly, Vigil must give the same multiset of
 * (entry name, SHA-256 of content) over regular files; where bsdtar fails (encrypted, damaged, a volume without
 * the others), Vigil must end with an error, encrypted or limit result, never a crash or a hang. The few samples
 * where the two differ for a stated reason are listed in {@code rar-bsdtar-differences.txt} (each line a sample
 * and why), demanded exactly, so the list cannot go stale. The comparison table goes to
 * {@code target/rar-bsdtar.md}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RarBsdtarDifferentialTest {
    private static final Path BSDTAR = Path.of("/usr/bin/bsdtar");
    /** Room for libarchive's largest sample entry (241,647,978 bytes of PPMd-compressed HTML). */
    private static final UnpackLimits LIMITS = new UnpackLimits(2L << 30, 512L << 20, 17, 10_000, 40L << 20,
            Duration.ofSeconds(120));

    @TempDir
    Path dir;

    @Test
    void vigilExtractsWhatBsdtarExtracts() throws Exception {
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(Files.isExecutable(BSDTAR), "bsdtar (Debian package libarchive-tools) is absent");
        }
        Map<String, String> expectedDifferences = differences();
        Map<String, String> differences = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder("| sample | bsdtar | Vigil | agree |\n|---|---|---|---|\n");
        int agreeing = 0;
        int bsdtarFailed = 0;
        for (var sample : LibarchiveRarSamples.all().entrySet()) {
            String name = sample.getKey();
            Bsdtar oracle = bsdtar(name, sample.getValue());
            long start = System.nanoTime();
            RarSampleExtraction vigil = RarSampleExtraction.of(sample.getValue(), LIMITS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as(name + " took too long").isLessThan(30_000);
            List<String> ours = vigil.entries.stream().sorted().toList();
            String verdict;
            if (oracle.ok) {
                verdict = ours.equals(oracle.entries) ? "yes" : "NO";
            } else {
                bsdtarFailed++;
                verdict = vigil.problems() ? "yes (both report a problem)" : "NO (Vigil reports no problem"
                        + (ours.equals(oracle.entries) ? "; same files as bsdtar wrote)" : ")");
            }
            if (verdict.startsWith("yes")) {
                agreeing++;
            } else {
                differences.put(name, "bsdtar " + (oracle.ok ? "ok " : "failed ") + oracle.entries
                        + "; Vigil " + vigil);
            }
            table.append("| ").append(name).append(" | ").append(oracle.ok ? "ok" : "failed").append(", ")
                    .append(oracle.entries.size()).append(" files | ").append(ours.size()).append(" files")
                    .append(vigil.problems() ? ", " + summary(vigil) : "").append(" | ").append(verdict)
                    .append(" |\n");
        }
        table.append("\n").append(agreeing).append(" of ").append(LibarchiveRarSamples.all().size())
                .append(" samples agree; bsdtar failed on ").append(bsdtarFailed).append(".\n");
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "rar-bsdtar.md"), table);
        assertThat(LibarchiveRarSamples.all()).hasSizeGreaterThan(50);
        assertThat(differences.keySet()).as("samples where Vigil and bsdtar differ: " + differences
                + "\n(see target/rar-bsdtar.md)").containsExactlyInAnyOrderElementsOf(expectedDifferences.keySet());
    }

    private static String summary(RarSampleExtraction x) {
        List<String> parts = new ArrayList<>();
        if (!x.encrypted.isEmpty()) {
            parts.add("encrypted");
        }
        if (!x.limits.isEmpty()) {
            parts.add("limit");
        }
        if (!x.errors.isEmpty()) {
            String first = x.errors.getFirst().replace('|', '/');
            parts.add("error: " + (first.length() > 80 ? first.substring(0, 80) + "..." : first));
        }
        return String.join(", ", parts);
    }

    /** The listed differences: {@code sample<TAB>reason} lines. */
    private static Map<String, String> differences() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = RarBsdtarDifferentialTest.class.getResourceAsStream("/rar-bsdtar-differences.txt")) {
            if (in == null) {
                return m;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", 2);
                m.put(f[0].strip(), f.length > 1 ? f[1] : "");
            }
        }
        return m;
    }

    private record Bsdtar(boolean ok, List<String> entries) {
    }

    /** bsdtar's extraction of one sample into a fresh directory: exit status and sorted "name sha256" lines. */
    private Bsdtar bsdtar(String name, byte[] data) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(dir, "s");
        Path file = work.resolve(name);
        Files.write(file, data);
        Path out = Files.createDirectory(work.resolve("out"));
        Process p = new ProcessBuilder(BSDTAR.toString(), "-x", "-f", file.toString(), "-C", out.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            // bsdtar 3.6.2 loops on one of its own fuzz samples (rar5_bad_window_sz_in_mltarc_file): a failure.
            p.destroyForcibly();
            p.waitFor();
            return new Bsdtar(false, List.of());
        }
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    entries.add(out.relativize(f).toString() + " "
                            + LibarchiveRarSamples.sha256(Files.readAllBytes(f)));
                }
            }
        }
        return new Bsdtar(p.exitValue() == 0, entries.stream().sorted().toList());
    }
}
