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

/**
 * MEW's LZMA stage against an independent encoder: no MEW-LZMA sample is at hand, but its blocks are raw LZMA with
 * lc 4, lp 0, pb 2, so XZ for Java's encoder produces them. Block lists are laid out as the stub expects.
 */
class MewLzmaTest {
    private static final long VMA = 0x401000;
    private static final int MODEL = 0x100;
    private static final int OUT = 0x8000;

    /** Text with long and short repeats, then noise: literals, matches, rep matches and matched literals. */
    private static byte[] sample(int seed) {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(seed);
        for (int i = 0; i < 600; i++) {
            sb.append("line ").append(r.nextInt(50)).append(i % 7 == 0 ? " again and again\n" : " of the test\n");
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[3000];
        r.nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            if ((noise[i] & 0xff) == 0xe8 || (noise[i] & 0xff) == 0xe9) {
                noise[i] = 0; // no call opcodes: special mode then leaves the bytes alone
            }
        }
        byte[] out = Arrays.copyOf(text, text.length + noise.length + text.length / 3);
        System.arraycopy(noise, 0, out, text.length, noise.length);
        System.arraycopy(text, 100, out, text.length + noise.length, text.length / 3);
        return out;
    }

    private static byte[] lzma(byte[] data) throws IOException {
        LZMA2Options o = new LZMA2Options();
        o.setLcLp(4, 0);
        o.setPb(2);
        o.setDictSize(1 << 16);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LZMAOutputStream out = new LZMAOutputStream(bytes, o, false)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** The buffer: model area, output area, then the block list at {@code list}. */
    private static byte[] buffer(byte[] data, byte[] packed, boolean special, int[] listAt) {
        int list = OUT + data.length + 0x100;
        byte[] buf = new byte[list + 64 + packed.length];
        int at = list;
        if (special) {
            Le.put32(buf, at, data.length);
            at += 4;
        }
        Le.put32(buf, at, VMA + MODEL);
        Le.put32(buf, at + 4, data.length);
        Le.put32(buf, at + 8, VMA + OUT);
        Le.put32(buf, at + 12, packed.length);
        System.arraycopy(packed, 0, buf, at + 17, packed.length);
        // a zero output length ends a normal-mode list
        listAt[0] = list;
        return buf;
    }

    @Test
    void decodesWhatAnLzmaEncoderWrote() throws IOException {
        for (boolean special : new boolean[] {false, true}) {
            byte[] data = sample(special ? 2 : 1);
            int[] list = new int[1];
            byte[] buf = buffer(data, lzma(data), special, list);
            assertThat(MewLzma.decode(buf, list[0], VMA, special)).as("special=" + special).isTrue();
            assertThat(Arrays.copyOfRange(buf, OUT, OUT + data.length)).isEqualTo(data);
        }
    }

    @Test
    void specialModeMakesCallTargetsRelative() throws IOException {
        byte[] data = new byte[64];
        data[10] = (byte) 0xe8; // call with a big-endian absolute operand 0x00001234
        data[13] = 0x12;
        data[14] = 0x34;
        int[] list = new int[1];
        byte[] buf = buffer(data, lzma(data), true, list);
        assertThat(MewLzma.decode(buf, list[0], VMA, true)).isTrue();
        assertThat(Le.u32(buf, OUT + 11)).isEqualTo(0x1234 - 10 - 1);
    }

    @Test
    @Timeout(5)
    void damagedStreamsEndInsideTheBuffer() throws IOException {
        byte[] data = sample(3);
        byte[] packed = lzma(data);
        Random r = new Random(5);
        for (int round = 0; round < 300; round++) {
            byte[] bad = packed.clone();
            for (int k = 0; k < 1 + round % 5; k++) {
                bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            int[] list = new int[1];
            byte[] buf = buffer(data, bad, round % 2 == 0, list);
            if (round % 3 == 0) {
                buf = Arrays.copyOf(buf, list[0] + 17 + r.nextInt(bad.length));
            }
            MewLzma.decode(buf, list[0], VMA, round % 2 == 0);
        }
    }
}
