package dev.vigil.unpack.pe;

/**
 * FSG's aPLib-style LZ decoder (ClamAV's {@code cli_unfsg}), used by PESpin for its compressed sections: a flag byte
 * refilled from the input, literals, short and long back-references with a remembered distance. Every access is
 * bounds-checked; a stream that ends without its end code or reaches outside is rejected.
 */
final class FsgDecoder {
    private final byte[] src;
    private final int srcStart;
    private final int srcEnd;
    private int in;
    private int dl = 0x80;

    private FsgDecoder(byte[] src, int start, int length) {
        this.src = src;
        this.srcStart = start;
        this.srcEnd = start + length;
        this.in = start;
    }

    private static final class Broken extends RuntimeException {
        Broken() {
            super(null, null, false, false);
        }
    }

    private static final Broken BROKEN = new Broken();

    /** Decodes {@code src[start, start + length)} into {@code dst[to, to + size)}; false when malformed. */
    static boolean decode(byte[] src, int start, int length, byte[] dst, int to, int size) {
        return decodeEnds(src, start, length, dst, to, size) != null;
    }

    /**
     * As {@link #decode}, answering where the stream ended: {@code {input position after the end code, output
     * position after the last byte}}, or null when malformed. MEW chains streams and needs both. {@code src} and
     * {@code dst} may be one array (the bytes are moved one at a time, as the packer's own loop moves them).
     */
    static int[] decodeEnds(byte[] src, int start, int length, byte[] dst, int to, int size) {
        if (length <= 0 || size <= 0 || start < 0 || to < 0 || start + (long) length > src.length
                || to + (long) size > dst.length) {
            return null;
        }
        try {
            FsgDecoder d = new FsgDecoder(src, start, length);
            int end = d.run(dst, to, to + size);
            return end < 0 ? null : new int[] {d.in, end};
        } catch (Broken e) {
            return null;
        }
    }

    private int bit() {
        int old = dl;
        dl = dl * 2 & 0xff;
        if ((old & 0x7f) == 0) {
            if (in < srcStart || in >= srcEnd - 1) {
                throw BROKEN;
            }
            old = src[in++] & 0xff;
            dl = (old * 2 + 1) & 0xff;
        }
        return old >> 7 & 1;
    }

    private int nextByte() {
        if (in >= srcEnd) {
            throw BROKEN;
        }
        return src[in++] & 0xff;
    }

    private long gamma() {
        long v = 1;
        do {
            v = (v * 2 + bit()) & 0xffffffffL;
        } while (bit() != 0);
        return v;
    }

    /** The output position after the end code, or -1 when the stream is malformed. */
    private int run(byte[] dst, int out, int end) {
        int first = out;
        dst[out++] = src[in++];
        long oldBack = 0;
        int lostBit = 1;
        while (true) {
            if (bit() == 0) {
                if (out >= end || in >= srcEnd) {
                    return -1;
                }
                dst[out++] = src[in++];
                lostBit = 1;
                continue;
            }
            long back;
            long length = 0;
            if (bit() != 0) {
                if (bit() != 0) {
                    lostBit = 1;
                    length = 1;
                    back = 0x10;
                    while (back < 0x100) {
                        back = back * 2 + bit();
                    }
                    back &= 0xff;
                    if (back == 0) {
                        if (out >= end) {
                            return -1;
                        }
                        dst[out++] = 0;
                        continue;
                    }
                } else {
                    int b = nextByte();
                    length = b & 1;
                    back = b >> 1;
                    if (back == 0) {
                        return out;
                    }
                    length += 2;
                    oldBack = back;
                    lostBit = 0;
                }
            } else {
                length = (gamma() - 1 - lostBit) & 0xffffffffL;
                if (length == 0) {
                    length = gamma();
                    back = oldBack;
                } else {
                    back = (nextByte() + ((length - 1) << 8)) & 0xffffffffL;
                    length = gamma();
                    if (back >= 0x7d00) {
                        length++;
                    }
                    if (back >= 0x500) {
                        length++;
                    }
                    if (back <= 0x7f) {
                        length += 2;
                    }
                    oldBack = back;
                }
                lostBit = 0;
            }
            if (length > end - out || back > out - first) {
                return -1;
            }
            for (long k = 0; k < length; k++, out++) {
                dst[out] = dst[(int) (out - back)];
            }
        }
    }
}
