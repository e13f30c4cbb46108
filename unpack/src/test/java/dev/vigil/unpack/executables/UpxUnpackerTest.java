package dev.vigil.unpack.executables;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.pe.Nrv2;
import dev.vigil.unpack.pe.UpxUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class UpxUnpackerTest {

    @Test
    void nrv2bRoundTripsLiteralsAndMatches() {
        Random r = new Random(7);
        byte[] head = new byte[3000];
        r.nextBytes(head);
        byte[] packed = new TestData.Nrv2bWriter().literal(head).match(1, 2).match(3000, 700).match(0xe00, 40)
                .match(1, 9).finish();
        byte[] expected = Arrays.copyOf(head, 3000 + 2 + 700 + 40 + 9);
        int n = 3000;
        for (int[] m : new int[][] {{1, 2}, {3000, 700}, {0xe00, 40}, {1, 9}}) {
            for (int i = 0; i < m[1]; i++, n++) {
                expected[n] = expected[n - m[0]];
            }
        }
        byte[] out = new byte[expected.length];
        assertThat(Nrv2.decompress(Nrv2.Method.NRV2B, packed, 0, packed.length, out)).isEqualTo(expected.length);
        assertThat(out).isEqualTo(expected);
    }

    @Test
    @Timeout(5)
    void hostileStreamsAreRejectedQuickly() {
        byte[] packed = new TestData.Nrv2bWriter().literal(new byte[] {1}).match(1, 1L << 31).finish();
        byte[] out = new byte[1 << 20];
        for (Nrv2.Method m : Nrv2.Method.values()) {
            assertThat(Nrv2.decompress(m, packed, 0, packed.length, out)).isEqualTo(-1);
            assertThat(Nrv2.decompress(m, packed, 0, packed.length / 2, out)).isEqualTo(-1);
        }
        byte[] before = new TestData.Nrv2bWriter().literal(new byte[] {1}).match(5, 3).finish();
        assertThat(Nrv2.decompress(Nrv2.Method.NRV2B, before, 0, before.length, out)).isEqualTo(-1);
    }

    /** A UPX-like PE: UPX0 empty, UPX1 holds an NRV2B image that ends with the original PE header. */
    static byte[] packedPe(byte[] payload) {
        int imageSize = 0x3000;
        byte[] image = new byte[imageSize];
        System.arraycopy(payload, 0, image, 0, payload.length);
        int header = 0x2000;
        TestData.put32(image, header, 0x4550);
        TestData.put16(image, header + 4, 0x14c);
        TestData.put16(image, header + 6, 1);
        TestData.put16(image, header + 20, 0xe0);
        TestData.put16(image, header + 24, 0x10b);
        TestData.put32(image, header + 24 + 32, 0x1000);
        TestData.put32(image, header + 0xf8 + 8, 0x1000);
        TestData.put32(image, header + 0xf8 + 12, 0x1000);
        byte[] packed = new TestData.Nrv2bWriter().literal(Arrays.copyOf(image, header + 0xf8 + 0x28)).finish();
        return TestData.pe(0x5000, List.of(new TestData.Sec("UPX0", 0x1000, 0x3000, null),
                new TestData.Sec("UPX1", 0x4000, 0x2000, packed)));
    }

    @Test
    void rebuildsThePeFromTheOriginalHeader() throws Exception {
        byte[] payload = "the original code section".getBytes(StandardCharsets.US_ASCII);
        CollectingSink sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(packedPe(payload)), sink);
        assertThat(sink.children).hasSize(1);
        byte[] rebuilt = sink.data.getFirst();
        // Header area 0xd0 + 0xf8 + 0x28 aligned to 0x1000, then the one section at its virtual size.
        assertThat(rebuilt).hasSize(0x2000);
        assertThat(Arrays.copyOfRange(rebuilt, 0x1000, 0x1000 + payload.length)).isEqualTo(payload);
        assertThat(new UpxUnpacker().accepts(FileType.MSEXE, ScanInput.of(rebuilt))).isTrue();
    }

    @Test
    @Timeout(5)
    void hugeDeclaredImageIsALimitNotAnAllocation() throws Exception {
        byte[] packed = new TestData.Nrv2bWriter().literal(new byte[64]).finish();
        byte[] pe = TestData.pe(0x10001100, List.of(new TestData.Sec("UPX0", 0x1000, 0x10000000, null),
                new TestData.Sec("UPX1", 0x10001000, 0x2000, packed)));
        assertThat(dev.vigil.unpack.pe.PeImage.read(ScanInput.of(pe))).isNotNull();
        CollectingSink sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(pe), sink);
        assertThat(sink.children).isEmpty();
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
    }

    @Test
    void truncatedOrGarbageInputGivesNoChild() throws Exception {
        byte[] pe = packedPe(new byte[10]);
        // Cutting only the section's zero padding leaves a good stream (ClamAV reads what exists too); these cut
        // the headers or the stream itself.
        for (int cut : new int[] {0x100, 0x400, 0x500, 0x1400}) {
            CollectingSink sink = new CollectingSink();
            new UpxUnpacker().unpack(ScanInput.of(Arrays.copyOf(pe, cut)), sink);
            assertThat(sink.children).as("cut at %d", cut).isEmpty();
        }
    }
}
