package dev.vigil.unpack.autoit;

import java.util.Arrays;

/**
 * AutoIt 3's LZSS: big-endian 16-bit bit words read MSB first after an 8-byte header; a flag bit (1 for a match in
 * EA05, 0 in EA06), then a 15-bit distance and an escalating length code, or an 8-bit literal. A stream that runs out
 * or reaches outside the output ends the output there.
 */
final class AutoItLzss {
    private final byte[] in;
    private int pos = 8;
    private int bitsLeft;
    private int word;
    private boolean error;

    private AutoItLzss(byte[] in) {
        this.in = in;
    }

    static byte[] expand(byte[] in, int size, boolean ea06) {
        AutoItLzss r = new AutoItLzss(in);
        // The declared size is only an upper bound: grow towards it as output is produced.
        byte[] out = new byte[Math.min(size, 1 << 16)];
        int n = 0;
        while (!r.error && n < size) {
            boolean match = (r.bits(1) == 1) != ea06;
            if (r.error) {
                break;
            }
            if (match) {
                int distance = r.bits(15);
                int length = r.bits(2);
                int add = 0;
                if (length == 3) {
                    add = 3;
                    if ((length = r.bits(3)) == 7) {
                        add = 10;
                        if ((length = r.bits(5)) == 31) {
                            add = 41;
                            if ((length = r.bits(8)) == 255) {
                                add = 296;
                                while ((length = r.bits(8)) == 255 && !r.error) {
                                    add += 255;
                                    if (add > size) {
                                        r.error = true;
                                    }
                                }
                            }
                        }
                    }
                }
                length += 3 + add;
                if (r.error || length > size - n || distance > n) {
                    break;
                }
                out = room(out, n + length, size);
                for (int i = 0; i < length; i++, n++) {
                    out[n] = out[n - distance];
                }
            } else {
                int literal = r.bits(8);
                if (r.error) {
                    break;
                }
                out = room(out, n + 1, size);
                out[n++] = (byte) literal;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static byte[] room(byte[] out, int needed, int size) {
        if (needed <= out.length) {
            return out;
        }
        return Arrays.copyOf(out, (int) Math.min(size, Math.max(needed, 2L * out.length)));
    }

    private int bits(int count) {
        if (count > bitsLeft && ((count - bitsLeft - 1) / 16 + 1) * 2 > in.length - pos) {
            error = true;
            return 0;
        }
        int v = 0;
        for (int i = 0; i < count; i++) {
            if (bitsLeft == 0) {
                word = (in[pos] & 0xff) << 8 | (in[pos + 1] & 0xff);
                pos += 2;
                bitsLeft = 16;
            }
            v = v << 1 | (word >>> 15 & 1);
            word <<= 1;
            bitsLeft--;
        }
        return v;
    }
}
