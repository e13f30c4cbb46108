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

    /** The image of {@link #packedPe}: payload, then the original PE header at 0x2000 (one section at 0x1000). */
    static byte[] upxImage(byte[] payload) {
        byte[] image = new byte[0x2000 + 0xf8 + 0x28];
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
        return image;
    }

    /**
     * A UPX-LZMA-like PE made without UPX: UPX0 empty, UPX1 = 0x15 bytes of skew, two bytes, the raw LZMA stream of
     * {@code image}, then at the entry point a stub in ClamAV's fixed-properties layout ({@code lc 3 lp 0 pb 2}) or,
     * when {@code properties} is not null, in its layout that names them ({lc, lp, pb}).
     */
    static byte[] lzmaPackedPe(byte[] image, int declaredSize, int[] properties) throws java.io.IOException {
        int lc = properties == null ? 3 : properties[0];
        int lp = properties == null ? 0 : properties[1];
        int pb = properties == null ? 2 : properties[2];
        org.tukaani.xz.LZMA2Options o = new org.tukaani.xz.LZMA2Options();
        o.setLcLp(lc, lp);
        o.setPb(pb);
        o.setDictSize(1 << 16);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (org.tukaani.xz.LZMAOutputStream out = new org.tukaani.xz.LZMAOutputStream(bytes, o, false)) {
            out.write(image);
        }
        byte[] stream = bytes.toByteArray();
        int ep = TestData.align(0x17 + stream.length, 16);
        byte[] upx1 = new byte[ep + 0x100];
        System.arraycopy(stream, 0, upx1, 0x17, stream.length);
        int upx1Rva = 0x1000 + TestData.align(image.length + 0x1000, 0x1000);
        upx1[ep] = 0x60;
        upx1[ep + 1] = (byte) 0xbe;
        TestData.put32(upx1, ep + 2, 0x400000 + upx1Rva + 0x15);
        if (properties == null) {
            TestData.put32(upx1, ep + 0x21, declaredSize);
            System.arraycopy(UpxUnpacker.hexBytes("5683c3045350c703 03000200 9090909090 555756"), 0, upx1, ep + 0x2f, 20);
        } else {
            TestData.put32(upx1, ep + 0x2b, declaredSize);
            System.arraycopy(UpxUnpacker.hexBytes("5683c3045350c703"), 0, upx1, ep + 0x39, 8);
            TestData.put32(upx1, ep + 0x41, lc | lp << 8 | pb << 16);
            System.arraycopy(UpxUnpacker.hexBytes("9090905557565383"), 0, upx1, ep + 0x45, 8);
        }
        int upx1Size = TestData.align(upx1.length, 0x1000);
        return TestData.pe(upx1Rva + ep, List.of(new TestData.Sec("UPX0", 0x1000, upx1Rva - 0x1000, null),
                new TestData.Sec("UPX1", upx1Rva, upx1Size, upx1)));
    }

    @Test
    void lzmaPackedImagesAreRebuiltInBothStubLayouts() throws Exception {
        byte[] payload = "code that was packed with LZMA, code that was packed with LZMA".getBytes(StandardCharsets.US_ASCII);
        byte[] image = upxImage(payload);
        for (int[] props : new int[][] {null, {3, 0, 2}, {0, 4, 0}, {1, 1, 4}}) {
            byte[] pe = lzmaPackedPe(image, image.length, props);
            CollectingSink sink = new CollectingSink();
            new UpxUnpacker().unpack(ScanInput.of(pe), sink);
            assertThat(sink.children).as("properties %s", Arrays.toString(props)).hasSize(1);
            byte[] rebuilt = sink.data.getFirst();
            // as ClamAV writes it: UPX0 + UPX1's virtual size, the rebuilt PE at its start
            assertThat(rebuilt.length).isGreaterThanOrEqualTo(0x2000);
            assertThat(Arrays.copyOfRange(rebuilt, 0x1000, 0x1000 + payload.length)).isEqualTo(payload);
            assertThat(Arrays.copyOfRange(rebuilt, 0xd0, 0xd4)).isEqualTo(new byte[] {'P', 'E', 0, 0});
        }
    }

    @Test
    @Timeout(10)
    void hostileLzmaStubsAndStreams() throws Exception {
        byte[] image = upxImage(new byte[100]);
        // the declared size is larger than UPX0 + UPX1: ClamAV leaves the file alone
        byte[] lying = lzmaPackedPe(image, 0x7ffffff0, null);
        CollectingSink sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(lying), sink);
        assertThat(sink.children).isEmpty();
        // properties out of range (lc 9)
        byte[] badProps = lzmaPackedPe(image, image.length, new int[] {3, 0, 2});
        int ep = (int) dev.vigil.unpack.pe.PeImage.read(ScanInput.of(badProps)).info().entryPoint();
        badProps[ep + 0x41] = 9;
        sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(badProps), sink);
        assertThat(sink.children).isEmpty();
        // the largest model the properties allow (lc 8, lp 4) over a stream of junk: ends, bounded
        byte[] big = badProps.clone();
        big[ep + 0x41] = 8;
        big[ep + 0x42] = 4;
        sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(big), sink);
        assertThat(sink.children.size()).isLessThanOrEqualTo(1);
        // a stream whose first byte is not 0 is a data error
        byte[] pe = lzmaPackedPe(image, image.length, null);
        dev.vigil.engine.exe.Section upx1 = dev.vigil.unpack.pe.PeImage.read(ScanInput.of(pe)).sections().get(1);
        byte[] bad = pe.clone();
        bad[(int) upx1.rawOffset() + 0x17] = 1;
        sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(bad), sink);
        assertThat(sink.children).isEmpty();
        // a stream cut short (zeros after its first 40 bytes): what decodes is unpacked, like ClamAV
        byte[] cut = pe.clone();
        Arrays.fill(cut, (int) upx1.rawOffset() + 0x17 + 40, ep, (byte) 0);
        sink = new CollectingSink();
        new UpxUnpacker().unpack(ScanInput.of(cut), sink);
        assertThat(sink.children.size()).isLessThanOrEqualTo(1);
        // 2 GiB of sections: MaxFileSize, nothing allocated
        byte[] huge = pe.clone();
        int lfanew = (int) TestData.u32(huge, 0x3c);
        TestData.put32(huge, lfanew + 24 + 0xe0 + 8, 0x7fff0000);
        sink = new CollectingSink(CollectingSink.limits(16 << 20, 10, 64 << 20));
        new UpxUnpacker().unpack(ScanInput.of(huge), sink);
        assertThat(sink.children).isEmpty();
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
    }
}
