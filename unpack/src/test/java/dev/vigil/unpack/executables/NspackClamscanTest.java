package dev.vigil.unpack.executables;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.pe.NspackUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NsPack files built here (no NsPack packer or sample is at hand): the stub bytes ClamAV looks for, the pointer to the
 * packed data, and an LZMA stream from XZ for Java's raw encoder (NsPack's format is LZMA with a 13-byte header).
 * clamscan and Vigil must agree, neither may see the marker in the packed bytes, and the rebuilt files must be equal
 * from the data directories on.
 */
class NspackClamscanTest {
    private static final String MARKER = "VIGIL-NSPACK-41f0/".repeat(4);
    private static final long BASE = 0x400000;
    private static final int IMAGE = 0x2000;

    @TempDir
    Path dir;

    static byte[] image(int seed, String marker) {
        Random r = new Random(seed);
        byte[] b = new byte[IMAGE];
        for (int i = 0; i < 0x600; i++) {
            b[i] = (byte) ('a' + r.nextInt(26));
        }
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, b, 0x700, m.length);
        return b;
    }

    static byte[] lzma(byte[] data, int lc, int lp, int pb) throws IOException {
        LZMA2Options o = new LZMA2Options();
        o.setLcLp(lc, lp);
        o.setPb(pb);
        o.setDictSize(1 << 16);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LZMAOutputStream out = new LZMAOutputStream(bytes, o, false)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** The file: the image section (no raw data), then the packer's: stub at 0x100, packed data at 0x400. */
    static byte[] nspack(byte[] image, int lc, int lp, int pb, boolean jumpFirst) throws IOException {
        byte[] stream = lzma(image, lc, lp, pb);
        int stubAt = 0x100;
        int dataAt = 0x400;
        int declared = 13 + stream.length;
        byte[] packed = new byte[dataAt + (declared | 0xff) + 1];
        byte[] stub = HexFormat.of().parseHex("9c60e8000000005db807000000");
        System.arraycopy(stub, 0, packed, stubAt, stub.length);
        TestData.put32(packed, stubAt + 17, 0x54 - 0x40); // the distance's dword lies 0x40 before the stub
        TestData.put32(packed, stubAt - 0x40, dataAt - stubAt);
        packed[stubAt + 0x27a] = (byte) 0xe9;
        TestData.put32(packed, stubAt + 0x27a + 1, 0x1000 - (0x3000 + stubAt + 0x27a + 5)); // to the original entry
        packed[dataAt] = (byte) ((pb * 5 + lp) * 9 + lc);
        TestData.put32(packed, dataAt + 5, declared);
        TestData.put32(packed, dataAt + 9, image.length);
        System.arraycopy(stream, 0, packed, dataAt + 13, stream.length);
        int entry = 0x3000 + stubAt;
        if (jumpFirst) {
            // "bitched headers": the entry point jumps to the stub
            packed[0x20] = (byte) 0xe9;
            TestData.put32(packed, 0x21, stubAt - (0x20 + 5));
            entry = 0x3000 + 0x20;
        }
        return TestData.pe(entry, List.of(new TestData.Sec("nsp0", 0x1000, image.length, null),
                new TestData.Sec("nsp1", 0x3000, TestData.align(packed.length, 0x1000), packed)));
    }

    @Test
    void unpackedLikeClamscan() throws Exception {
        ClamavTestFiles.assumeClamscan();
        Map<String, byte[]> samples = new LinkedHashMap<>();
        samples.put("lc3-lp0-pb2", nspack(image(1, MARKER), 3, 0, 2, false));
        samples.put("lc0-lp2-pb0-jump", nspack(image(2, MARKER), 0, 2, 0, true));
        samples.put("lc4-lp0-pb4", nspack(image(3, MARKER), 4, 0, 4, false));
        byte[] damaged = nspack(image(1, MARKER), 3, 0, 2, false);
        for (int i = 0; i < 8; i++) {
            damaged[0x400 + 0x400 + 13 + 200 + i] ^= (byte) 0xa5;
        }
        samples.put("damaged", damaged);
        // the declared packed size a few bytes short: the decoder reads past it (0xff) and the outcome depends on
        // ClamAV's rule that an overrun fails only at the start of the next symbol
        for (int shortBy : new int[] {1, 3, 12}) {
            byte[] cut = nspack(image(1, MARKER), 3, 0, 2, false);
            TestData.put32(cut, 0x400 + 0x400 + 5, TestData.u32(cut, 0x400 + 0x400 + 5) - shortBy);
            samples.put("short-by-" + shortBy, cut);
        }

        RebuiltPeComparison.compare(dir, "Vigil.Test.NspackMarker", MARKER, samples, new NspackUnpacker(), "NsPack");
    }

    @Test
    @Timeout(10)
    void hostileNspackFiles() throws Exception {
        byte[] good = nspack(image(1, MARKER), 3, 0, 2, false);
        CollectingSink sink = new CollectingSink();
        new NspackUnpacker().unpack(ScanInput.of(good), sink);
        assertThat(sink.children).hasSize(1);
        // the largest model the properties byte allows (lc 8, lp 4: 3 M words) under a 1 MiB limit: refused
        byte[] bigModel = good.clone();
        bigModel[0x400 + 0x400] = (byte) ((0 * 5 + 4) * 9 + 8);
        sink = new CollectingSink(CollectingSink.limits(1 << 20, 10, 1 << 22));
        new NspackUnpacker().unpack(ScanInput.of(bigModel), sink);
        assertThat(sink.children).isEmpty();
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
        Random r = new Random(12);
        for (int round = 0; round < 300; round++) {
            byte[] bad = Arrays.copyOf(good, round % 3 == 0 ? 0x401 + r.nextInt(good.length - 0x401) : good.length);
            for (int k = 0; k < 1 + round % 6; k++) {
                {
                    bad[0x400 + r.nextInt(bad.length - 0x400)] = (byte) r.nextInt(256);
                }
            }
            sink = new CollectingSink(CollectingSink.limits(1 << 20, 10, 1 << 22));
            new NspackUnpacker().unpack(ScanInput.of(bad), sink);
            assertThat(sink.children.size()).isLessThanOrEqualTo(1);
        }
    }
}
