package dev.vigil.unpack.pe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The raw LZMA decoder against an independent encoder (XZ for Java), and on damaged streams. */
class RawLzmaTest {

    /** Text with repeats, then noise, then a copy of the text: literals, matches, repeat matches, matched literals. */
    static byte[] sample(int seed, int lines) {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(seed);
        for (int i = 0; i < lines; i++) {
            sb.append("line ").append(r.nextInt(50)).append(i % 7 == 0 ? " again and again\n" : " of the test\n");
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[3000];
        r.nextBytes(noise);
        byte[] out = Arrays.copyOf(text, text.length * 2 + noise.length);
        System.arraycopy(noise, 0, out, text.length, noise.length);
        System.arraycopy(text, 0, out, text.length + noise.length, text.length);
        return out;
    }

    static byte[] encode(byte[] data, int lc, int lp, int pb, boolean endMarker) throws IOException {
        LZMA2Options o = new LZMA2Options();
        o.setLcLp(lc, lp);
        o.setPb(pb);
        o.setDictSize(1 << 20);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LZMAOutputStream out = new LZMAOutputStream(bytes, o, endMarker)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void decodesWhatXzEncodesForEveryPropertyCorner() throws IOException {
        byte[] data = sample(1, 300);
        int[][] props = {{3, 0, 2}, {0, 0, 0}, {4, 0, 2}, {0, 4, 4}, {1, 2, 1}, {4, 0, 4}};
        for (int[] p : props) {
            for (boolean marker : new boolean[] {false, true}) {
                byte[] packed = encode(data, p[0], p[1], p[2], marker);
                byte[] out = new byte[data.length];
                int n = RawLzma.decode(packed, 0, packed.length, out, out.length, p[0], p[1], p[2]);
                assertThat(n).as("lc %d lp %d pb %d marker %s", p[0], p[1], p[2], marker).isEqualTo(data.length);
                assertThat(out).isEqualTo(data);
                // A larger output buffer: the end marker ends the stream; without one, decoding goes on past the
                // data until the input runs out, and the data is still the prefix.
                byte[] big = new byte[data.length + 100];
                int m = RawLzma.decode(packed, 0, packed.length, big, big.length, p[0], p[1], p[2]);
                if (marker) {
                    assertThat(m).isEqualTo(data.length);
                }
                assertThat(Arrays.copyOf(big, data.length)).isEqualTo(data);
            }
        }
    }

    @Test
    void lcPlusLpUpToTwelveIsAccepted() throws IOException {
        // XZ's encoder limits lc + lp to 4; the decoder takes what the SDK takes (lc <= 8, lp <= 4)
        byte[] out = new byte[16];
        byte[] zeroStream = new byte[64];
        assertThat(RawLzma.decode(zeroStream, 0, zeroStream.length, out, out.length, 8, 4, 4)).isEqualTo(16);
        assertThatThrownBy(() -> RawLzma.decode(zeroStream, 0, 64, out, 16, 9, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RawLzma.decode(zeroStream, 0, 64, out, 16, 0, 5, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RawLzma.decode(zeroStream, 0, 64, out, 16, 0, 0, 5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCutStreamGivesAPrefixThatGrowsWithTheInput() throws IOException {
        byte[] data = sample(2, 400);
        byte[] packed = encode(data, 3, 0, 2, false);
        int last = 0;
        for (int cut = 0; cut <= packed.length; cut += Math.max(1, packed.length / 40)) {
            byte[] out = new byte[data.length];
            int n = RawLzma.decode(packed, 0, cut, out, out.length, 3, 0, 2);
            assertThat(n).as("cut at %d", cut).isBetween(last, data.length);
            assertThat(Arrays.copyOf(out, n)).isEqualTo(Arrays.copyOf(data, n));
            // nothing of an incomplete symbol is left behind the prefix
            assertThat(Arrays.copyOfRange(out, n, out.length)).containsOnly((byte) 0);
            last = n;
        }
        assertThat(RawLzma.decode(packed, 0, 4, new byte[10], 10, 3, 0, 2)).isZero();
    }

    @Test
    void dataErrorsFailTheStream() throws IOException {
        byte[] data = sample(3, 300);
        byte[] packed = encode(data, 3, 0, 2, true);
        byte[] out = new byte[data.length];
        byte[] badStart = packed.clone();
        badStart[0] = 1;
        assertThat(RawLzma.decode(badStart, 0, badStart.length, out, out.length, 3, 0, 2))
                .isEqualTo(RawLzma.DATA_ERROR);
        // Streams of random bytes after a zero: they decode into something or fail, within the output bound
        Random r = new Random(5);
        int errors = 0;
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + r.nextInt(4000)];
            r.nextBytes(junk);
            junk[0] = 0;
            int n = RawLzma.decode(junk, 0, junk.length, out, out.length, 3, 0, 2);
            assertThat(n).isBetween(RawLzma.DATA_ERROR, out.length);
            errors += n == RawLzma.DATA_ERROR ? 1 : 0;
        }
        assertThat(errors).as("random streams soon reach before the output's start").isPositive();
        // An end marker whose code is not zero after it: the encoder's own stream with its last byte changed
        byte[] badEnd = packed.clone();
        badEnd[badEnd.length - 1] ^= 0x55;
        assertThat(RawLzma.decode(badEnd, 0, badEnd.length, out, out.length, 3, 0, 2))
                .isIn(RawLzma.DATA_ERROR, data.length);
    }

    @Test
    @Timeout(10)
    void largeOutputsStayLinear() throws IOException {
        // 4 MiB of zeros from a few hundred bytes: a bomb within the caller's bound is plain work
        byte[] data = new byte[4 << 20];
        byte[] packed = encode(data, 3, 0, 2, false);
        assertThat(packed.length).isLessThan(10_000);
        byte[] out = new byte[data.length];
        assertThat(RawLzma.decode(packed, 0, packed.length, out, out.length, 3, 0, 2)).isEqualTo(data.length);
    }
}
