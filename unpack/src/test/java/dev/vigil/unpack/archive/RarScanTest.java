package dev.vigil.unpack.archive;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.unpack.DeepDetection;
import dev.vigil.unpack.DeepScanOptions;
import dev.vigil.unpack.DeepScanResult;
import dev.vigil.unpack.RecursiveScanner;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.Unpackers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Extracted RAR content reaches the engine: for a libarchive sample, bsdtar extracts the entries, the test writes a
 * ClamAV hash signature ({@code .hdb}: MD5 and size) of the largest one, and the recursive scanner that
 * {@code vigil scan} uses must report it inside the archive, at the entry's path. (No RAR compressor is available
 * to put EICAR into a compressed RAR5 entry; a hash of a real entry proves the same path.) RAR self-extractors too:
 * the RAR4 one is found by the default unpackers as ClamAV finds it, the RAR5 one only with
 * {@link Unpackers#beyondClamav()}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RarScanTest {
    private static final Path BSDTAR = Path.of("/usr/bin/bsdtar");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
            "test_read_format_rar5_compressed.rar, ''",
            "test_read_format_rar5_solid.rar, ''",
            "test_read_format_rar5_multiple_files_solid.rar, ''",
            "test_read_format_rar5_arm.rar, ''",
            "test_read_format_rar5_blake2.rar, ''",
            "test_read_format_rar_compress_best.rar, ''",
            "test_read_format_rar_sfx.exe, rarsfx@",
    })
    void entryExtractedByBsdtarIsFoundByItsHash(String sample, String sfxPrefix) throws Exception {
        Entry e = largestEntryByBsdtar(sample);
        DeepScanResult r = scan(sample, e, Unpackers.defaults());
        // Entries with the same content (compress_best holds two) are each found.
        assertThat(r.detections()).as(r.errors().toString()).isNotEmpty().extracting(DeepDetection::name)
                .containsOnly("Test.RarEntry.UNOFFICIAL");
        assertThat(r.detections()).extracting(DeepDetection::path).anySatisfy(path -> {
            assertThat(path.getFirst()).isEqualTo(sample);
            assertThat(path.getLast().replace('\\', '/')).isEqualTo(e.name);
            if (sfxPrefix.isEmpty()) {
                assertThat(path).hasSize(2);
            } else {
                assertThat(path).hasSize(3);
                assertThat(path.get(1)).startsWith(sfxPrefix);
            }
        });
    }

    @Test
    void rar5SelfExtractorIsOpenedOnlyBeyondClamav() throws Exception {
        String sample = "test_read_format_rar5_sfx.exe";
        Entry e = largestEntryByBsdtar(sample);
        assertThat(scan(sample, e, Unpackers.defaults()).detections()).isEmpty();
        List<Unpacker> more = new ArrayList<>(Unpackers.defaults());
        more.addAll(Unpackers.beyondClamav());
        DeepScanResult r = scan(sample, e, more);
        assertThat(r.detections()).extracting(DeepDetection::name).containsExactly("Test.RarEntry.UNOFFICIAL");
        assertThat(r.detections().getFirst().path()).hasSize(3).endsWith(e.name);
        assertThat(r.detections().getFirst().containerTypes()).contains("CL_TYPE_RAR");
        assertThat(r.detections().getFirst().path().get(1)).startsWith("rarsfx@");
    }

    private record Entry(String name, byte[] data) {
    }

    private DeepScanResult scan(String sample, Entry e, List<Unpacker> unpackers) throws Exception {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(e.data));
        Path db = Files.writeString(dir.resolve("rar-entry.hdb"), md5 + ":" + e.data.length + ":Test.RarEntry\n");
        EngineBuilder b = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(db, b);
        Path spool = Files.createDirectories(dir.resolve("spool"));
        RecursiveScanner scanner = new RecursiveScanner(b.build(), unpackers, UnpackLimits.DEFAULT, spool);
        return scanner.scan(LibarchiveRarSamples.all().get(sample), sample,
                DeepScanOptions.DEFAULT.withAllMatch(true));
    }

    private Entry largestEntryByBsdtar(String sample) throws Exception {
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(Files.isExecutable(BSDTAR), "bsdtar (Debian package libarchive-tools) is absent");
        }
        Path work = Files.createTempDirectory(dir, "x");
        Path file = Files.write(work.resolve(sample), LibarchiveRarSamples.all().get(sample));
        Path out = Files.createDirectory(work.resolve("out"));
        Process p = new ProcessBuilder(BSDTAR.toString(), "-x", "-f", file.toString(), "-C", out.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("bsdtar exit status").isZero();
        Entry largest = null;
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && (largest == null || Files.size(f) > largest.data.length)) {
                    largest = new Entry(out.relativize(f).toString(), Files.readAllBytes(f));
                }
            }
        }
        assertThat(largest).isNotNull();
        return largest;
    }
}
