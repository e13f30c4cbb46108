package dev.vigil.unpack.executables;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.MewUnpacker;
import dev.vigil.unpack.pe.UpackUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MEW and Upack against clamscan itself: clamscan is asked to leave its rebuilt PE behind, and ours must equal it
 * from the section table on (the bytes before it are a canned header in ClamAV, our own here).
 */
class MewUpackUnpackerTest {
    /** Where ClamAV's rebuilt header stops being canned: the data directories and section table follow. */

    @Test
    void mewRebuildsWhatClamscanRebuilds(@TempDir Path tmp) throws Exception {
        assertRebuiltLikeClamscan(new MewUnpacker(), "clam-mew.exe", "MEW", tmp);
    }

    @Test
    @Timeout(10)
    void mewSurvivesDamage() throws Exception {
        damage(new MewUnpacker(), "clam-mew.exe");
    }

    @Test
    void upackRebuildsWhatClamscanRebuilds(@TempDir Path tmp) throws Exception {
        assertRebuiltLikeClamscan(new UpackUnpacker(), "clam-upack.exe", "Upack", tmp);
    }

    @Test
    @Timeout(10)
    void upackSurvivesDamage() throws Exception {
        damage(new UpackUnpacker(), "clam-upack.exe");
    }

    @Test
    @Timeout(5)
    void hugeDeclaredImagesStopAtMaxFileSize(@TempDir Path tmp) throws Exception {
        // MEW sizes its buffer from the empty section, Upack from all three: declare 2 GiB there
        assertStopsAtMaxFileSize(new MewUnpacker(), "clam-mew.exe", 0, tmp);
        assertStopsAtMaxFileSize(new UpackUnpacker(), "clam-upack.exe", 1, tmp);
    }

    private static void assertStopsAtMaxFileSize(Unpacker unpacker, String name, int section, Path tmp)
            throws Exception {
        Path file = ClamavTestFiles.decoded(name, tmp);
        assertThat(file).isNotNull();
        byte[] b = Files.readAllBytes(file);
        int lfanew = b[0x3c] & 0xff | (b[0x3d] & 0xff) << 8;
        int table = lfanew + 24 + (b[lfanew + 20] & 0xff | (b[lfanew + 21] & 0xff) << 8);
        TestData.put32(b, table + 40 * section + 8, 0x7fff0000);
        CollectingSink sink = new CollectingSink(CollectingSink.limits(16 << 20, 10, 64 << 20));
        unpacker.unpack(ScanInput.of(b), sink);
        assertThat(sink.children).isEmpty();
        assertThat(sink.limitsHit).singleElement().asString().startsWith("MaxFileSize");
    }

    static void assertRebuiltLikeClamscan(Unpacker unpacker, String name, String packer, Path tmp) throws Exception {
        Path file = ClamavTestFiles.decoded(name, tmp);
        assertThat(file).as("conformance input " + name).isNotNull();
        CollectingSink sink = new CollectingSink();
        unpacker.unpack(ScanInput.of(Files.readAllBytes(file)), sink);
        assertThat(sink.children).hasSize(1);
        byte[] ours = sink.data.getFirst();

        ClamavTestFiles.assumeClamscan();
        byte[] theirs = ClamavTestFiles.clamscanRebuilt(ClamavTestFiles.database(), file, packer,
                Files.createDirectories(tmp.resolve("clamtmp")));
        assertThat(theirs).as("clamscan rebuilt the " + packer + " file").isNotNull();
        assertThat(ours).hasSameSizeAs(theirs);
        assertThat(Arrays.copyOfRange(ours, RebuiltPeComparison.OWN_HEADER, ours.length))
                .isEqualTo(Arrays.copyOfRange(theirs, RebuiltPeComparison.OWN_HEADER, theirs.length));
    }
    /** The test file cut short and with bytes flipped: never anything but a result or nothing. */
    static void damage(Unpacker unpacker, String name) throws Exception {
        Path dir = Files.createTempDirectory("vigil-mewupack");
        try {
            Path file = ClamavTestFiles.decoded(name, dir);
            assertThat(file).isNotNull();
            byte[] good = Files.readAllBytes(file);
            Random r = new Random(4);
            for (int round = 0; round < 400; round++) {
                byte[] bad = Arrays.copyOf(good, round % 4 == 0 ? r.nextInt(good.length) : good.length);
                for (int k = 0; k < 1 + round % 8; k++) {
                    if (bad.length > 0) {
                        bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
                    }
                }
                CollectingSink sink = new CollectingSink(CollectingSink.limits(1 << 20, 10, 1 << 22));
                unpacker.unpack(ScanInput.of(bad), sink);
                assertThat(sink.children.size()).isLessThanOrEqualTo(1);
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
