package dev.vigil.unpack.lzx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Round trips through the test encoder (every block type, every window size, several frames, E8 translation,
 * resets and starting at a reset point), hand-built uncompressed streams, and hostile streams that must fail
 * cleanly and quickly.
 */
class LzxInputStreamTest {
    private static final int FRAME = LzxInputStream.FRAME;

    /** Text and code-like bytes that compress, with E8 call operands in range, 100 KiB and an odd tail. */
    static byte[] sample(int size, long seed) {
        Random r = new Random(seed);
        byte[] d = new byte[size];
        String[] words = {"scan ", "virus ", "signature ", "window ", "frame ", "\r\n", "LZX ", "0123456789"};
        int i = 0;
        while (i < size) {
            if (r.nextInt(20) == 0 && i + 5 <= size) {
                d[i++] = (byte) 0xe8; // a call whose target lies in the first 64 KiB
                int target = r.nextInt(65536) - i;
                for (int k = 0; k < 4; k++) {
                    d[i++] = (byte) (target >>> 8 * k);
                }
            } else if (r.nextInt(10) == 0) {
                d[i++] = (byte) r.nextInt(256);
            } else {
                byte[] w = words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII);
                for (int k = 0; k < w.length && i < size; k++) {
                    d[i++] = w[k];
                }
            }
        }
        return d;
    }

    static byte[] decode(byte[] compressed, int windowBits, int resetInterval, long length) throws IOException {
        try (InputStream in = new LzxInputStream(new ByteArrayInputStream(compressed), windowBits, resetInterval,
                length)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {LzxTestEncoder.VERBATIM, LzxTestEncoder.ALIGNED, LzxTestEncoder.UNCOMPRESSED})
    void roundTripsEachBlockType(int type) throws IOException {
        byte[] data = sample(100_001, type);
        byte[] lzx = new LzxTestEncoder(16, 0, 0, type).encode(data);
        assertThat(decode(lzx, 16, 0, data.length)).isEqualTo(data);
        if (type != LzxTestEncoder.UNCOMPRESSED) {
            assertThat(lzx.length).isLessThan(data.length / 2);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {15, 16, 17, 18, 19, 20, 21})
    void roundTripsEveryWindowSizeWithMixedBlocks(int windowBits) throws IOException {
        byte[] data = sample(5 * FRAME + 77, windowBits);
        byte[] lzx = new LzxTestEncoder(windowBits, 0, 0, LzxTestEncoder.VERBATIM, LzxTestEncoder.UNCOMPRESSED,
                LzxTestEncoder.ALIGNED).encode(data);
        assertThat(decode(lzx, windowBits, 0, data.length)).isEqualTo(data);
    }

    @Test
    void undoesTheE8Translation() throws IOException {
        byte[] data = sample(3 * FRAME + 5, 42);
        LzxTestEncoder encoder = new LzxTestEncoder(16, 0, 12_000_000, LzxTestEncoder.VERBATIM);
        byte[] lzx = encoder.encode(data);
        assertThat(decode(lzx, 16, 0, data.length)).isEqualTo(data);
        // without the translation undone, the output would differ
        byte[] plain = new LzxTestEncoder(16, 0, 0, LzxTestEncoder.VERBATIM).encode(data);
        assertThat(lzx).isNotEqualTo(plain);
    }

    @Test
    void resetsEveryIntervalAndRestartsAtAResetPoint() throws IOException {
        byte[] data = sample(9 * FRAME, 7);
        LzxTestEncoder encoder = new LzxTestEncoder(17, 2, 0, LzxTestEncoder.VERBATIM, LzxTestEncoder.ALIGNED);
        byte[] lzx = encoder.encode(data);
        assertThat(decode(lzx, 17, 2, data.length)).isEqualTo(data);
        // from frame 4, a reset point, as a CHM reader starts from a reset-table entry
        int from = (int) (long) encoder.frameOffsets().get(4);
        byte[] tail = decode(Arrays.copyOfRange(lzx, from, lzx.length), 17, 2, data.length - 4L * FRAME);
        assertThat(tail).isEqualTo(Arrays.copyOfRange(data, 4 * FRAME, data.length));
    }

    @Test
    void skipAndPositionFollowTheOutput() throws IOException {
        byte[] data = sample(4 * FRAME, 3);
        byte[] lzx = new LzxTestEncoder(16, 0, 0, LzxTestEncoder.VERBATIM).encode(data);
        LzxInputStream in = new LzxInputStream(new ByteArrayInputStream(lzx), 16, 0, data.length);
        assertThat(in.skip(FRAME + 100)).isEqualTo(FRAME + 100);
        assertThat(in.position()).isEqualTo(FRAME + 100);
        assertThat(in.readNBytes(500)).isEqualTo(Arrays.copyOfRange(data, FRAME + 100, FRAME + 600));
        assertThat(in.skip(Long.MAX_VALUE)).isEqualTo(data.length - FRAME - 600L);
        assertThat(in.read()).isEqualTo(-1);
    }

    /** Uncompressed blocks written bit by bit, as the format describes them. */
    @Test
    void handBuiltUncompressedBlocks() throws IOException {
        BitWriter w = new BitWriter();
        w.bits(0, 1); // no E8 translation
        w.bits(3, 3); // uncompressed
        w.bits(0, 16);
        w.bits(5, 8); // 5 bytes; 28 bits so far
        w.bits(0, 4); // pad the current 16-bit word
        w.bytes(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0); // R0, R1, R2
        w.bytes('h', 'e', 'l', 'l', 'o');
        w.bytes(0); // odd length: one padding byte
        w.bits(3, 3);
        w.bits(0, 16);
        w.bits(6, 8);
        w.bits(0, 5); // 27 bits of header from a byte boundary: 5 bits of padding
        w.bytes(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);
        w.bytes(' ', 'w', 'o', 'r', 'l', 'd');
        assertThat(new String(decode(w.done(), 15, 0, 11), StandardCharsets.US_ASCII)).isEqualTo("hello world");
    }

    @Test
    void uncompressedBlockAfterTheE8Header() throws IOException {
        BitWriter w = new BitWriter();
        w.bits(1, 1); // E8 on, size 0 -> nothing to translate: 33 bits of header
        w.bits(0, 16);
        w.bits(0, 16);
        w.bits(3, 3);
        w.bits(0, 16);
        w.bits(2, 8); // 33 + 27 = 60 bits: 4 bits left in the word
        w.bits(0, 4);
        w.bytes(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);
        w.bytes('o', 'k');
        assertThat(decode(w.done(), 15, 0, 2)).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
    }

    // ---- hostile streams

    @Test
    void refusesWindowsOutsideTheFormat() {
        for (int bits : new int[] {-1, 0, 14, 22, 31}) {
            assertThatThrownBy(() -> new LzxInputStream(InputStream.nullInputStream(), bits, 0, 0))
                    .isInstanceOf(LzxException.class);
        }
        assertThatThrownBy(() -> new LzxInputStream(InputStream.nullInputStream(), 16, -1, 0))
                .isInstanceOf(LzxException.class);
    }

    @Test
    void refusesBadBlockTypes() {
        for (int type : new int[] {0, 4, 5, 6, 7}) {
            BitWriter w = new BitWriter();
            w.bits(0, 1);
            w.bits(type, 3);
            w.bits(0, 16);
            w.bits(16, 8);
            w.bits(0, 4);
            assertThatThrownBy(() -> decode(w.done(), 16, 0, 16)).isInstanceOf(LzxException.class)
                    .hasMessageContaining("block type");
        }
    }

    @Test
    void hugeDeclaredLengthsEndAtTheInput() {
        // an uncompressed block declaring 16 MiB, a stream declaring 1 TiB, 20 bytes of input
        BitWriter w = new BitWriter();
        w.bits(0, 1);
        w.bits(3, 3);
        w.bits(0xffff, 16);
        w.bits(0xff, 8);
        w.bits(0, 4);
        w.bytes(new byte[20]);
        long start = System.nanoTime();
        assertThatThrownBy(() -> decode(w.done(), 21, 0, 1L << 40)).isInstanceOf(EOFException.class);
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void refusesBrokenHuffmanCodes() {
        // a verbatim block whose pretree gives every symbol length 1: over-subscribed
        BitWriter w = new BitWriter();
        w.bits(0, 1);
        w.bits(1, 3);
        w.bits(0, 16);
        w.bits(16, 8);
        for (int i = 0; i < 20; i++) {
            w.bits(1, 4);
        }
        w.bytes(new byte[64]);
        assertThatThrownBy(() -> decode(w.done(), 16, 0, 16)).isInstanceOf(LzxException.class)
                .hasMessageContaining("Huffman");
    }

    @Test
    void refusesMatchesBeforeTheStartAndPastTheFrame() throws IOException {
        byte[] data = sample(2 * FRAME, 11);
        byte[] lzx = new LzxTestEncoder(16, 0, 0, LzxTestEncoder.VERBATIM).encode(data);
        // a shorter declared length makes the last frame end inside a match, or the data run out: never a crash
        for (long length : List.of(1L, 1000L, FRAME + 3L)) {
            try {
                byte[] got = decode(lzx, 16, 0, length);
                assertThat(got).isEqualTo(Arrays.copyOf(data, (int) length));
            } catch (LzxException expected) {
                assertThat(expected).hasMessageContaining("LZX");
            }
        }
        // garbage after a valid start: every byte flipped in turn must decode or fail with an IOException
        Random r = new Random(5);
        for (int i = 0; i < 300; i++) {
            byte[] broken = lzx.clone();
            broken[r.nextInt(broken.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                decode(broken, 16, 0, data.length);
            } catch (IOException fine) {
                // refused cleanly
            }
        }
    }

    @Test
    void aFailureIsFinal() throws IOException {
        LzxInputStream in = new LzxInputStream(new ByteArrayInputStream(new byte[] {(byte) 0x00, (byte) 0x80}), 16,
                0, 100);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    /** Bits most significant first in 16-bit little-endian words, then bytes as they are. */
    static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int acc;
        private int n;

        void bits(int v, int count) {
            for (int i = count - 1; i >= 0; i--) {
                acc = acc << 1 | v >>> i & 1;
                if (++n == 16) {
                    out.write(acc & 0xff);
                    out.write(acc >>> 8);
                    acc = 0;
                    n = 0;
                }
            }
        }

        void bytes(int... b) {
            if (n != 0) {
                throw new IllegalStateException("bytes written inside a word");
            }
            for (int x : b) {
                out.write(x);
            }
        }

        void bytes(byte[] b) {
            out.writeBytes(b);
        }

        byte[] done() {
            if (n != 0) {
                bits(0, 16 - n);
            }
            return out.toByteArray();
        }
    }
}
