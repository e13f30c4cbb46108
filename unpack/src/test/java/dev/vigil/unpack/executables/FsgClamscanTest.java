package dev.vigil.unpack.executables;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.pe.FsgUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FSG 2.0 and 1.33 files built here (no FSG packer is at hand, and ClamAV's clam-fsg.exe is not FSG-packed: clam.exe
 * lies whole in a section of a plain PE), laid out the way ClamAV's FSG code reads them, with FSG's LZ format written by
 * {@link FsgWriter}. clamscan and Vigil must agree on each, neither may see the marker in the packed bytes, and the
 * file clamscan rebuilds (left behind with --leave-temps) must equal ours from the data directories on.
 */
class FsgClamscanTest {
    private static final String MARKER = "VIGIL-FSG-9e3a/".repeat(4);
    private static final long BASE = 0x400000;
    /** Where the rebuilt header stops being each engine's own: the data directories and section table follow. */

    @TempDir
    Path dir;

    /** FSG's aPLib-style LZ: a raw first byte, then tag bits (MSB first, a tag byte placed when first needed). */
    static final class FsgWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private byte[] buf = new byte[0];
        private int tag = -1;
        private int used = 8;
        private boolean lostBit = true;

        FsgWriter(int first) {
            put(first);
        }

        private void put(int b) {
            out.write(b);
        }

        private void bit(int b) {
            if (used == 8) {
                tag = out.size();
                put(0);
                used = 0;
            }
            if (b != 0) {
                buf = out.toByteArray();
                buf[tag] |= (byte) (0x80 >> used);
                out.reset();
                out.writeBytes(buf);
            }
            used++;
        }

        private void gamma(int v) {
            int top = 31 - Integer.numberOfLeadingZeros(v);
            for (int i = top - 1; i >= 0; i--) {
                bit(v >> i & 1);
                bit(i > 0 ? 1 : 0);
            }
        }

        FsgWriter literals(byte[] b) {
            for (byte x : b) {
                bit(0);
                put(x & 0xff);
                lostBit = true;
            }
            return this;
        }

        /** A back-reference with an explicit distance (1 to 0xffff) and length, in the gamma-coded form. */
        FsgWriter match(int back, int length) {
            bit(1);
            bit(0);
            gamma((back >> 8) + 1 + 1 + (lostBit ? 1 : 0));
            put(back & 0xff);
            int adjust = (back >= 0x7d00 ? 1 : 0) + (back >= 0x500 ? 1 : 0) + (back <= 0x7f ? 2 : 0);
            gamma(length - adjust);
            lostBit = false;
            return this;
        }

        byte[] end() {
            bit(1);
            bit(1);
            bit(0);
            put(0);
            return out.toByteArray();
        }
    }

    /** Text around the marker; the marker's first period is literal, the rest a match, so it is never stored whole. */
    static byte[] stream(int seed, String marker) {
        Random r = new Random(seed);
        byte[] head = new byte[300];
        for (int i = 0; i < head.length; i++) {
            head[i] = (byte) ('a' + r.nextInt(26));
        }
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        int period = m.length / 4;
        return new FsgWriter('M').literals(head).literals(Arrays.copyOf(m, period)).match(period, m.length - period)
                .match(0x120, 40).literals("tail of the section".getBytes(StandardCharsets.US_ASCII)).end();
    }

    /** FSG 2.0: {@code xchg [X], esp} at the entry point; X holds the stack record's VA. */
    static byte[] fsg200(byte[] stream) {
        byte[] packed = new byte[0x1000];
        System.arraycopy(stream, 0, packed, 0, stream.length);
        int record = 0xe00;
        int pointer = 0xe40;
        int functions = 0xe50;
        int ep = 0xf00;
        TestData.put32(packed, record, BASE + 0x1000);
        TestData.put32(packed, record + 4, BASE + 0x4000);
        TestData.put32(packed, record + 16, BASE + 0x4000 + functions);
        TestData.put32(packed, pointer, BASE + 0x4000 + record);
        TestData.put32(packed, functions + 12, BASE + 0x1234);
        packed[ep] = (byte) 0x87;
        packed[ep + 1] = 0x25;
        TestData.put32(packed, ep + 2, BASE + 0x4000 + pointer);
        return TestData.pe(0x4000 + ep, List.of(new TestData.Sec("fsg0", 0x1000, 0x3000, null),
                new TestData.Sec("fsg1", 0x4000, 0x1000, packed)));
    }

    /** FSG 1.33: {@code mov esi, T} with T in the header area: destination, source, then section VAs + 1, zero-ended. */
    static byte[] fsg133(byte[][] streams, long[] sectionRvas) {
        byte[] packed = new byte[0x1000];
        int at = 0;
        for (byte[] s : streams) {
            System.arraycopy(s, 0, packed, at, s.length);
            at += s.length;
        }
        int ep = 0xe00;
        packed[ep] = (byte) 0xbe;
        TestData.put32(packed, ep + 1, BASE + 0x300);
        TestData.put32(packed, ep + 163, 0x1000 - (0x4000 + ep + 167)); // the original entry point, relative
        byte[] file = TestData.pe(0x4000 + ep, List.of(new TestData.Sec("fsg0", 0x1000, 0x3000, null),
                new TestData.Sec("fsg1", 0x4000, 0x1000, packed)));
        int support = 0x300;
        TestData.put32(file, support + 4, BASE + 0x1000);
        TestData.put32(file, support + 8, BASE + 0x4000);
        for (int i = 0; i < sectionRvas.length; i++) {
            TestData.put32(file, support + 12 + 4 * i, BASE + sectionRvas[i] + 1);
        }
        return file;
    }

    /**
     * FSG 1.31: {@code mov ebx, T; mov edi, dest; mov esi, source}; T holds 16-bit page numbers (+2) ended by 1, with
     * a 2 six bytes on. The stub must sit past {@code rva - 0xe0} in its section, so here the packer's section has the
     * lower RVA (ClamAV pairs sections in table order).
     */
    static byte[] fsg131(byte[][] streams, long[] sectionRvas) {
        byte[] packed = new byte[0x2000];
        int at = 0;
        for (byte[] s : streams) {
            System.arraycopy(s, 0, packed, at, s.length);
            at += s.length;
        }
        int ep = 0xf40;
        packed[ep] = (byte) 0xbb;
        TestData.put32(packed, ep + 1, BASE + 0x300);
        packed[ep + 5] = (byte) 0xbf;
        TestData.put32(packed, ep + 6, BASE + 0x3000);
        packed[ep + 10] = (byte) 0xbe;
        TestData.put32(packed, ep + 11, BASE + 0x1000);
        TestData.put32(packed, ep + 0xda + 2, 0x3000 - (0x1000 + ep + 0xda + 6)); // the original entry point
        byte[] file = TestData.pe(0x1000 + ep, List.of(new TestData.Sec("fsg0", 0x3000, 0x3000, null),
                new TestData.Sec("fsg1", 0x1000, 0x2000, packed)));
        int support = 0x300;
        for (int i = 0; i < sectionRvas.length; i++) {
            TestData.put16(file, support + 2 * i, (int) ((BASE + sectionRvas[i]) >> 12) + 2);
        }
        int end = support + 2 * sectionRvas.length;
        TestData.put16(file, end, 1);
        TestData.put32(file, end + 6, 2);
        return file;
    }

    @Test
    void unpackedLikeClamscan() throws Exception {
        ClamavTestFiles.assumeClamscan();
        Map<String, byte[]> samples = new LinkedHashMap<>();
        samples.put("fsg-2.0", fsg200(stream(1, MARKER)));
        // three streams; the support lists the second section above the third, so the sort has work to do
        byte[][] three = {stream(2, "nothing to see here, only text"), stream(3, MARKER), stream(4, "more text")};
        samples.put("fsg-1.33", fsg133(three, new long[] {0x3000, 0x2000}));
        samples.put("fsg-1.31", fsg131(three, new long[] {0x5000, 0x4000}));
        // damaged streams: a literal changed (still decodes), the end code lost (decoding runs into the stub)
        byte[] stream = stream(1, MARKER);
        byte[] literal = fsg200(stream);
        literal[0x400 + 20] ^= 0x5a;
        samples.put("fsg-2.0-literal-damaged", literal);
        byte[] noEnd = fsg200(stream);
        noEnd[0x400 + stream.length - 1] = (byte) 0xf1;
        samples.put("fsg-2.0-no-end", noEnd);

        RebuiltPeComparison.compare(dir, "Vigil.Test.FsgMarker", MARKER, samples, new FsgUnpacker(), "FSG");
    }
    @Test
    @Timeout(10)
    void hostileFsgFiles() throws Exception {
        byte[] good = fsg200(stream(1, MARKER));
        CollectingSink sink = new CollectingSink();
        new FsgUnpacker().unpack(ScanInput.of(good), sink);
        assertThat(sink.children).hasSize(1);
        // 2 GiB declared for the image: MaxFileSize, nothing allocated
        byte[] huge = good.clone();
        TestData.put32(huge, 0x80 + 24 + 0xe0 + 8, 0x7fff0000);
        sink = new CollectingSink(CollectingSink.limits(16 << 20, 10, 64 << 20));
        new FsgUnpacker().unpack(ScanInput.of(huge), sink);
        assertThat(sink.children).isEmpty();
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
        // pointers of the stub leading outside the section, a stream without its end, a file cut anywhere
        Random r = new Random(9);
        for (int round = 0; round < 300; round++) {
            byte[] bad = Arrays.copyOf(round % 2 == 0 ? good : fsg133(new byte[][] {stream(2, "a"), stream(3, "b")},
                    new long[] {0x2000}), round % 3 == 0 ? r.nextInt(good.length) : good.length);
            for (int k = 0; k < 1 + round % 6; k++) {
                if (bad.length > 0) {
                    bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
                }
            }
            sink = new CollectingSink(CollectingSink.limits(1 << 20, 10, 1 << 22));
            new FsgUnpacker().unpack(ScanInput.of(bad), sink);
            assertThat(sink.children.size()).isLessThanOrEqualTo(1);
        }
    }
}
