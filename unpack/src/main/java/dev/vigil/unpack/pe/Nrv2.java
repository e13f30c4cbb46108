package dev.vigil.unpack.pe;

/**
 * The NRV2B, NRV2D and NRV2E decompressors of UCL as UPX's i386 stubs run them: a 32-bit little-endian bit buffer
 * refilled from the input, literals and back-references into the output. Every read and write is bounds-checked; a
 * stream that runs out of input, points before the output or overflows the output is rejected (-1).
 */
public final class Nrv2 {
    public enum Method { NRV2B, NRV2D, NRV2E }

    private final byte[] src;
    private final int srcEnd;
    private int in;
    private int bitBuffer;

    private Nrv2(byte[] src, int srcStart, int srcLength) {
        this.src = src;
        this.in = srcStart;
        this.srcEnd = srcStart + srcLength;
    }

    /**
     * Decompresses {@code src[srcStart, srcStart + srcLength)} into {@code dst} from offset 0, writing at most
     * {@code dst.length} bytes. Returns the number of bytes written, or -1 when the stream is malformed or does not
     * fit.
     */
    public static int decompress(Method method, byte[] src, int srcStart, int srcLength, byte[] dst) {
        if (srcStart < 0 || srcLength < 0 || srcStart > src.length || srcLength > src.length - srcStart) {
            return -1;
        }
        Nrv2 d = new Nrv2(src, srcStart, srcLength);
        try {
            return switch (method) {
                case NRV2B -> d.run2b(dst);
                case NRV2D -> d.run2de(dst, false);
                case NRV2E -> d.run2de(dst, true);
            };
        } catch (Malformed e) {
            return -1;
        }
    }

    /** Thrown inside the decoder only; stack-less because hostile streams make it common. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    private int bit() {
        if ((bitBuffer & 0x7fffffff) != 0) {
            int b = bitBuffer >>> 31;
            bitBuffer <<= 1;
            return b;
        }
        if (srcEnd - in < 4) {
            throw MALFORMED;
        }
        int w = (src[in] & 0xff) | (src[in + 1] & 0xff) << 8 | (src[in + 2] & 0xff) << 16 | (src[in + 3] & 0xff) << 24;
        in += 4;
        bitBuffer = (w << 1) | 1;
        return w >>> 31;
    }

    private int nextByte() {
        if (in >= srcEnd) {
            throw MALFORMED;
        }
        return src[in++] & 0xff;
    }

    /** Doubles {@code v} and adds a bit, refusing values that would leave 32 bits (hostile streams only). */
    private long grow(long v) {
        v = v * 2 + bit();
        if (v > 0xffffffffL) {
            throw MALFORMED;
        }
        return v;
    }

    private int run2b(byte[] dst) {
        int out = 0;
        long lastOffset = 1;
        while (true) {
            while (bit() == 1) {
                out = literal(dst, out);
            }
            long offset = 1;
            do {
                offset = grow(offset);
            } while (bit() == 0);
            if (offset == 2) {
                offset = lastOffset;
            } else {
                offset = (offset - 3) * 256 + nextByte();
                if (offset == 0xffffffffL) {
                    return out;
                }
                if (offset > 0xffffffffL) {
                    throw MALFORMED;
                }
                lastOffset = ++offset;
            }
            long length = bit();
            length = length * 2 + bit();
            if (length == 0) {
                length = 1;
                do {
                    length = grow(length);
                } while (bit() == 0);
                length += 2;
            }
            if (offset > 0xd00) {
                length++;
            }
            out = copy(dst, out, offset, length + 1);
        }
    }

    private int run2de(byte[] dst, boolean variantE) {
        int out = 0;
        long lastOffset = 1;
        while (true) {
            while (bit() == 1) {
                out = literal(dst, out);
            }
            long offset = 1;
            while (true) {
                offset = grow(offset);
                if (bit() == 1) {
                    break;
                }
                offset = grow(offset - 1);
            }
            long length;
            if (offset == 2) {
                offset = lastOffset;
                length = bit();
            } else {
                offset = (offset - 3) * 256 + nextByte();
                if (offset == 0xffffffffL) {
                    return out;
                }
                if (offset > 0xffffffffL) {
                    throw MALFORMED;
                }
                length = (offset ^ 0xffffffffL) & 1;
                offset >>= 1;
                lastOffset = ++offset;
            }
            if (variantE) {
                if (length != 0) {
                    length = 1 + bit();
                } else if (bit() == 1) {
                    length = 3 + bit();
                } else {
                    length = 1;
                    do {
                        length = grow(length);
                    } while (bit() == 0);
                    length += 3;
                }
            } else {
                length = length * 2 + bit();
                if (length == 0) {
                    length = 1;
                    do {
                        length = grow(length);
                    } while (bit() == 0);
                    length += 2;
                }
            }
            if (offset > 0x500) {
                length++;
            }
            out = copy(dst, out, offset, length + 1);
        }
    }

    private int literal(byte[] dst, int out) {
        if (out >= dst.length) {
            throw MALFORMED;
        }
        dst[out] = (byte) nextByte();
        return out + 1;
    }

    private static int copy(byte[] dst, int out, long offset, long length) {
        if (offset > out || length > dst.length - out) {
            throw MALFORMED;
        }
        int from = out - (int) offset;
        for (int i = 0; i < length; i++) {
            dst[out + i] = dst[from + i];
        }
        return out + (int) length;
    }
}
