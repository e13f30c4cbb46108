package dev.vigil.unpack.lzx;

import dev.vigil.unpack.CollectedChildren;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.cab.CabUnpacker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cabinets with an LZX folder, built from the test encoder's output: one data block per LZX frame. */
class CabLzxTest {
    private static final int FRAME = LzxInputStream.FRAME;

    @Test
    void filesComeOutOfAnLzxFolder() throws IOException {
        byte[] folder = LzxInputStreamTest.sample(5 * FRAME + 99, 21);
        byte[] cab = cab(folder, 21, 0x1503, new String[] {"a.txt", "b.bin"}, new long[][] {{0, 70_000},
                {70_000, folder.length - 70_000}});
        CollectedChildren c = unpack(cab, UnpackLimits.DEFAULT);
        assertThat(c.names).containsExactly("a.txt", "b.bin");
        assertThat(Arrays.mismatch(c.data.get(0), Arrays.copyOf(folder, 70_000))).isEqualTo(-1);
        assertThat(Arrays.mismatch(c.data.get(1), Arrays.copyOfRange(folder, 70_000, folder.length))).isEqualTo(-1);
        assertThat(c.errors).isEmpty();
    }

    @Test
    void windowOutsideTheFormatIsReported() throws IOException {
        byte[] folder = LzxInputStreamTest.sample(FRAME, 22);
        for (int type : new int[] {0x0d03, 0x1603, 0x1f03}) {
            byte[] cab = cab(folder, 16, type, new String[] {"x"}, new long[][] {{0, 100}});
            CollectedChildren c = unpack(cab, UnpackLimits.DEFAULT);
            assertThat(c.names).isEmpty();
            assertThat(c.errors).hasSize(1);
        }
    }

    @Test
    void brokenLzxDataEndsTheFolderWithAnError() throws IOException {
        byte[] folder = LzxInputStreamTest.sample(3 * FRAME, 23);
        byte[] cab = cab(folder, 16, 0x1003, new String[] {"whole"}, new long[][] {{0, folder.length}});
        // the first data block's payload starts after the header (36), folder entry (8), file entry (16 + 6)
        int payload = 36 + 8 + 16 + 6 + 8;
        Arrays.fill(cab, payload + 4, payload + 40, (byte) 0xff);
        CollectedChildren c = unpack(cab, UnpackLimits.DEFAULT);
        assertThat(c.errors).hasSize(1);
        assertThat(c.errors.getFirst()).contains("LZX");
    }

    @Test
    void overlappingFilesStopAtTheBudget() throws IOException {
        byte[] folder = LzxInputStreamTest.sample(4 * FRAME, 24);
        String[] names = new String[40];
        long[][] spans = new long[40][];
        for (int i = 0; i < names.length; i++) {
            names[i] = "copy" + i;
            spans[i] = new long[] {0, folder.length};
        }
        UnpackLimits limits = new UnpackLimits(10L * folder.length, 100L << 20, 17, 10_000, 0, Duration.ofSeconds(60));
        CollectedChildren c = unpack(cab(folder, 16, 0x1003, names, spans), limits);
        assertThat(c.limits).contains("MaxScanSize");
        assertThat(c.names.size()).isLessThan(names.length);
    }

    /** One folder of compression {@code type} holding {@code data}, LZX-coded with {@code windowBits}. */
    static byte[] cab(byte[] data, int windowBits, int type, String[] names, long[][] spans) {
        LzxTestEncoder encoder = new LzxTestEncoder(windowBits < 15 || windowBits > 21 ? 16 : windowBits, 0, 0,
                LzxTestEncoder.VERBATIM, LzxTestEncoder.ALIGNED, LzxTestEncoder.UNCOMPRESSED);
        byte[] lzx = encoder.encode(data);
        List<Long> frames = new ArrayList<>(encoder.frameOffsets());
        frames.add((long) lzx.length);
        ByteArrayOutputStream blocks = new ByteArrayOutputStream();
        for (int f = 0; f + 1 < frames.size(); f++) {
            int from = (int) (long) frames.get(f);
            int to = (int) (long) frames.get(f + 1);
            byte[] h = new byte[8];
            put(h, 4, to - from, 2);
            put(h, 6, Math.min(FRAME, data.length - f * FRAME), 2);
            blocks.writeBytes(h);
            blocks.write(lzx, from, to - from);
        }
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (int i = 0; i < names.length; i++) {
            byte[] e = new byte[16];
            put(e, 0, spans[i][1], 4);
            put(e, 4, spans[i][0], 4);
            table.writeBytes(e);
            table.writeBytes(names[i].getBytes(StandardCharsets.US_ASCII));
            table.write(0);
        }
        int filesAt = 36 + 8;
        int dataAt = filesAt + table.size();
        byte[] cab = new byte[dataAt + blocks.size()];
        put(cab, 0, 0x4643534dL, 4);
        put(cab, 8, cab.length, 4);
        put(cab, 16, filesAt, 4);
        cab[24] = 3;
        cab[25] = 1;
        put(cab, 26, 1, 2);
        put(cab, 28, names.length, 2);
        put(cab, 36, dataAt, 4);
        put(cab, 40, frames.size() - 1, 2);
        put(cab, 42, type, 2);
        System.arraycopy(table.toByteArray(), 0, cab, filesAt, table.size());
        System.arraycopy(blocks.toByteArray(), 0, cab, dataAt, blocks.size());
        return cab;
    }

    private static void put(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (v >>> 8 * i);
        }
    }

    private static CollectedChildren unpack(byte[] cab, UnpackLimits limits) throws IOException {
        return CollectedChildren.of(new CabUnpacker(), cab, limits);
    }
}
