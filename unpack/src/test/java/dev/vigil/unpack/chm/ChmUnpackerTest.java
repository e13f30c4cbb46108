package dev.vigil.unpack.chm;

import dev.vigil.unpack.CollectedChildren;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.lzx.LzxTestEncoders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CHM files built by the test (directory, LZXC control data, reset table, LZX content) and hostile variants. */
class ChmUnpackerTest {
    private static final int FRAME = 32768;

    @Test
    void extractsStoredAndCompressedFilesInDirectoryOrder() throws IOException {
        byte[] content = LzxTestEncoders.sample(8 * FRAME + 1000, 1);
        ChmBuilder b = new ChmBuilder(content, 16, 2);
        b.file("/late.bin", 1, 6L * FRAME + 17, 5000); // listed first, lies last
        b.file("/early.txt", 1, 100, 3 * FRAME); // behind the decoder: starts again from the reset table
        b.file("/stored.txt", 0, -1, 0);
        CollectedChildren c = unpack(b.build());
        assertThat(c.names).containsExactly("/late.bin", "/early.txt", "/stored.txt");
        same(c.data.get(0), Arrays.copyOfRange(content, 6 * FRAME + 17, 6 * FRAME + 17 + 5000));
        same(c.data.get(1), Arrays.copyOfRange(content, 100, 100 + 3 * FRAME));
        same(c.data.get(2), ChmBuilder.STORED);
        assertThat(c.errors).isEmpty();
    }

    @Test
    void withoutAResetTableSpanInfoGivesTheLength() throws IOException {
        byte[] content = LzxTestEncoders.sample(3 * FRAME + 5, 2);
        ChmBuilder b = new ChmBuilder(content, 15, 1);
        b.resetTable = false;
        b.file("/tail", 1, 3L * FRAME, 5);
        b.file("/head", 1, 0, 10);
        CollectedChildren c = unpack(b.build());
        same(c.data.get(0), Arrays.copyOfRange(content, 3 * FRAME, 3 * FRAME + 5));
        same(c.data.get(1), Arrays.copyOf(content, 10));
    }

    @Test
    void fileLongerThanTheContentIsCutAtItsEnd() throws IOException {
        byte[] content = LzxTestEncoders.sample(2 * FRAME, 3);
        ChmBuilder b = new ChmBuilder(content, 16, 2);
        b.file("/huge", 1, FRAME, 1L << 50);
        b.file("/stored-huge", 0, 0, 1L << 50);
        CollectedChildren c = unpack(b.build());
        same(c.data.get(0), Arrays.copyOfRange(content, FRAME, 2 * FRAME));
        // a stored file past the end keeps its whole 512-byte runs, as libmspack copies them
        assertThat(c.data.get(1).length % 512).isZero();
    }

    @Test
    void badControlDataFailsTheCompressedFilesOnly() throws IOException {
        for (int[] control : new int[][] {{3, 2}, {0, 2}, {1, 0}, {1, 1 << 20}}) {
            ChmBuilder b = new ChmBuilder(LzxTestEncoders.sample(FRAME, 4), 16, 1);
            b.controlWindowUnits = control[0] == 0 ? 2 : control[0];
            b.controlResetUnits = control[0] == 0 ? 0 : control[1];
            if (control[0] == 1) {
                b.controlWindowUnits = control[1];
                b.controlResetUnits = 1;
            }
            b.file("/compressed", 1, 0, 100);
            b.file("/stored.txt", 0, -1, 0);
            CollectedChildren c = unpack(b.build());
            assertThat(c.names).containsExactly("/stored.txt");
            assertThat(c.errors).hasSize(1);
        }
    }

    @Test
    void resetEntryOutOfRangeFallsBackOrFails() throws IOException {
        byte[] content = LzxTestEncoders.sample(4 * FRAME, 5);
        ChmBuilder b = new ChmBuilder(content, 16, 1);
        b.resetEntries = 1; // the table lists only frame 0
        b.file("/third-frame", 1, 2L * FRAME, 10);
        CollectedChildren c = unpack(b.build());
        // entry 2 is missing: decoding starts at the beginning, with SpanInfo's length
        same(c.data.getFirst(), Arrays.copyOfRange(content, 2 * FRAME, 2 * FRAME + 10));

        b.spanInfo = false;
        c = unpack(b.build());
        assertThat(c.names).isEmpty();
        assertThat(c.errors).hasSize(1);

        ChmBuilder wild = new ChmBuilder(content, 16, 1);
        wild.resetOffsetBias = 1L << 40; // reset points far outside the file
        wild.file("/x", 1, FRAME, 10);
        assertThat(unpack(wild.build()).errors).hasSize(1);
    }

    @Test
    void hostileDirectories() throws IOException {
        ChmBuilder b = new ChmBuilder(LzxTestEncoders.sample(FRAME, 6), 16, 1);
        b.file("/ok", 0, -1, 0);
        byte[] good = b.build();
        assertThat(unpack(good).names).containsExactly("/ok");

        byte[] chunks = good.clone();
        put(chunks, ChmBuilder.HS1 + 0x2c, 100_001, 4); // too many chunks
        assertThatThrownBy(() -> unpack(chunks)).isInstanceOf(UnpackException.class);
        byte[] bigChunk = good.clone();
        put(bigChunk, ChmBuilder.HS1 + 0x10, 1 << 20, 4);
        assertThatThrownBy(() -> unpack(bigChunk)).isInstanceOf(UnpackException.class);
        byte[] guid = good.clone();
        guid[0x20] ^= 1;
        assertThatThrownBy(() -> unpack(guid)).isInstanceOf(UnpackException.class);
        byte[] lastPmgl = good.clone();
        put(lastPmgl, ChmBuilder.HS1 + 0x24, 50_000, 4); // chunks listed past the end of the file
        assertThatThrownBy(() -> unpack(lastPmgl)).isInstanceOf(UnpackException.class);
        assertThatThrownBy(() -> unpack(Arrays.copyOf(good, 0x50))).isInstanceOf(UnpackException.class);

        // an entry that does not fit its chunk ends the chunk; the entries before it stay
        ChmBuilder broken = new ChmBuilder(LzxTestEncoders.sample(FRAME, 6), 16, 1);
        broken.file("/first", 0, -1, 0);
        broken.brokenEntry = true;
        CollectedChildren c = unpack(broken.build());
        assertThat(c.names).containsExactly("/first");
        assertThat(c.errors).isNotEmpty();
    }

    @Test
    void decompressionSharesTheScanSizeBudget() throws IOException {
        byte[] content = LzxTestEncoders.sample(8 * FRAME, 8);
        ChmBuilder b = new ChmBuilder(content, 16, 2);
        for (int i = 0; i < 20; i++) {
            b.file("/again-" + i, 1, 0, content.length); // every file is the whole stream
        }
        UnpackLimits small = new UnpackLimits(2L * content.length, 100L << 20, 17, 10_000, 0, Duration.ofSeconds(60));
        CollectedChildren c = unpack(b.build(), small);
        assertThat(c.limits).contains("MaxScanSize");
        assertThat(c.names.size()).isLessThanOrEqualTo(3);
    }

    // ---- the builder

    /** A CHM v3 with one PMGL chunk: system files, the LZX content, a stored file, and the files asked for. */
    static final class ChmBuilder {
        static final int HS0 = 0x60;
        static final int HS1 = 0x78;
        static final int DIR = HS1 + 0x54;
        static final int CHUNK = 4096;
        static final byte[] STORED = "a stored file, section 0".getBytes(StandardCharsets.US_ASCII);

        final byte[] content;
        final int windowBits;
        final int resetFrames;
        boolean resetTable = true;
        boolean spanInfo = true;
        boolean brokenEntry;
        int resetEntries = -1;
        long resetOffsetBias;
        int controlWindowUnits;
        int controlResetUnits;
        private final Map<String, long[]> files = new LinkedHashMap<>();

        ChmBuilder(byte[] content, int windowBits, int resetFrames) {
            this.content = content;
            this.windowBits = windowBits;
            this.resetFrames = resetFrames;
            this.controlWindowUnits = (1 << windowBits) / FRAME;
            this.controlResetUnits = resetFrames;
        }

        /** Section 0 with offset -1 means the builder's stored file. */
        void file(String name, int section, long offset, long length) {
            files.put(name, new long[] {section, offset, length});
        }

        byte[] build() {
            LzxTestEncoders.Encoded lzx = LzxTestEncoders.encode(windowBits, resetFrames, content);
            ByteArrayOutputStream section0 = new ByteArrayOutputStream();
            Map<String, long[]> entries = new LinkedHashMap<>();
            entries.put(ChmDirectory.CONTENT, new long[] {0, section0.size(), lzx.data().length});
            section0.writeBytes(lzx.data());
            byte[] control = new byte[0x1c];
            put(control, 0, 6, 4);
            put(control, 4, 0x43585a4c, 4);
            put(control, 8, 2, 4);
            put(control, 0xc, controlResetUnits, 4);
            put(control, 0x10, controlWindowUnits, 4);
            entries.put(ChmDirectory.CONTROL, new long[] {0, section0.size(), control.length});
            section0.writeBytes(control);
            if (resetTable) {
                List<Long> offsets = lzx.frameOffsets();
                int n = resetEntries >= 0 ? resetEntries : offsets.size();
                byte[] t = new byte[0x28 + 8 * n];
                put(t, 0, 2, 4);
                put(t, 4, n, 4);
                put(t, 8, 8, 4);
                put(t, 0xc, 0x28, 4);
                put(t, 0x10, content.length, 8);
                put(t, 0x18, lzx.data().length, 8);
                put(t, 0x20, FRAME, 4);
                for (int i = 0; i < n; i++) {
                    put(t, 0x28 + 8 * i, offsets.get(i) + resetOffsetBias, 8);
                }
                entries.put(ChmDirectory.RESET_TABLE, new long[] {0, section0.size(), t.length});
                section0.writeBytes(t);
            }
            if (spanInfo) {
                byte[] s = new byte[8];
                put(s, 0, content.length, 8);
                entries.put(ChmDirectory.SPAN_INFO, new long[] {0, section0.size(), 8});
                section0.writeBytes(s);
            }
            long storedAt = section0.size();
            section0.writeBytes(STORED);
            for (var e : files.entrySet()) {
                long[] v = e.getValue();
                entries.put(e.getKey(), v[0] == 0 && v[1] < 0 ? new long[] {0, storedAt, v[2] == 0 ? STORED.length : v[2]}
                        : v);
            }
            byte[] chunk = new byte[CHUNK];
            put(chunk, 0, 0x4c474d50L, 4);
            put(chunk, 0xc, -1, 4);
            put(chunk, 0x10, -1, 4);
            int p = 0x14;
            int count = 0;
            for (var e : entries.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                p = encint(chunk, p, name.length);
                System.arraycopy(name, 0, chunk, p, name.length);
                p += name.length;
                for (long v : e.getValue()) {
                    p = encint(chunk, p, v);
                }
                count++;
            }
            if (brokenEntry) {
                p = encint(chunk, p, 5000); // a name longer than the chunk
                count++;
            }
            put(chunk, CHUNK - 2, count, 2);
            int contentStart = DIR + CHUNK;
            byte[] file = new byte[contentStart + section0.size()];
            put(file, 0, 0x46535449L, 4);
            put(file, 4, 3, 4);
            put(file, 8, 0x60, 4);
            byte[] guids = {0x10, (byte) 0xFD, 0x01, 0x7C, (byte) 0xAA, 0x7B, (byte) 0xD0, 0x11, (byte) 0x9E, 0x0C, 0x00,
                    (byte) 0xA0, (byte) 0xC9, 0x22, (byte) 0xE6, (byte) 0xEC};
            System.arraycopy(guids, 0, file, 0x18, 16);
            System.arraycopy(guids, 0, file, 0x28, 16);
            file[0x28] = 0x11;
            put(file, 0x38, HS0, 8);
            put(file, 0x40, 0x18, 8);
            put(file, 0x48, HS1, 8);
            put(file, 0x50, 0x54 + CHUNK, 8);
            put(file, 0x58, contentStart, 8);
            put(file, HS0 + 8, file.length, 8);
            put(file, HS1, 0x50535449L, 4);
            put(file, HS1 + 0x10, CHUNK, 4);
            put(file, HS1 + 0x1c, -1, 4);
            put(file, HS1 + 0x20, 0, 4);
            put(file, HS1 + 0x24, 0, 4);
            put(file, HS1 + 0x2c, 1, 4);
            System.arraycopy(chunk, 0, file, DIR, CHUNK);
            System.arraycopy(section0.toByteArray(), 0, file, contentStart, section0.size());
            return file;
        }

        private static int encint(byte[] b, int p, long v) {
            int groups = 1;
            while (groups < 9 && v >>> 7 * groups != 0) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                b[p++] = (byte) (v >>> 7 * g & 0x7f | (g > 0 ? 0x80 : 0));
            }
            return p;
        }
    }

    /** Equal arrays, with a short message (sizes and first difference) when not. */
    static void same(byte[] actual, byte[] expected) {
        assertThat(Arrays.mismatch(actual, expected)).as("first difference (actual %d bytes, expected %d)",
                actual.length, expected.length).isEqualTo(-1);
    }

    static void put(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (v >>> 8 * i);
        }
    }

    static CollectedChildren unpack(byte[] chm) throws IOException {
        return unpack(chm, UnpackLimits.DEFAULT);
    }

    static CollectedChildren unpack(byte[] chm, UnpackLimits limits) throws IOException {
        return CollectedChildren.of(new ChmUnpacker(), chm, limits);
    }
}
