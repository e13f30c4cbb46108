package dev.vigil.unpack.pe;

/**
 * NsPack's decoder as ClamAV's {@code unsp.c} runs it: LZMA in substance (the same model layout and range coder), but
 * with ClamAV's own outcome rules, which decide what is scanned and are kept here:
 * <ul>
 * <li>input read past the end yields 0xff bytes and marks an error, which fails the stream only at the start of the
 * next symbol (so a last symbol that fills the output still succeeds);</li>
 * <li>a match may not run past the output's end (failure), a distance of zero (the end marker) ends it successfully,
 * a distance beyond what was written fails it;</li>
 * <li>a model index outside the table answers 0xff and marks the error.</li>
 * </ul>
 * The probabilities are 16-bit words, updated with a signed shift as in the packer's code.
 */
final class NspackDecoder {
    private static final long U32 = 0xffffffffL;

    private final byte[] in;
    private int pos;
    private final int end;
    private final char[] table;
    private long range = U32;
    private long code;
    private boolean error;

    private NspackDecoder(byte[] in, int from, int end, int tableWords) {
        this.in = in;
        this.pos = from;
        this.end = end;
        this.table = new char[tableWords];
        java.util.Arrays.fill(table, (char) 0x400);
    }

    /** Model words for the literal-context and position bits given: 0x736 + 0x300·2^(lc+lp). */
    static int tableWords(int lc, int lp) {
        return (0x300 << (lc + lp)) + 0x736;
    }

    /**
     * Decodes {@code in[from, from + length)} into {@code out[0, out.length)}.
     *
     * @return true when ClamAV's decoder reports success (output full or end marker)
     */
    static boolean decode(byte[] in, int from, int length, byte[] out, int lc, int lp, int pb) {
        NspackDecoder d = new NspackDecoder(in, from, from + Math.max(0, length), tableWords(lc, lp));
        for (int i = 0; i < 5; i++) {
            d.code = (d.code << 8 | d.nextByte()) & U32;
        }
        return !d.error && d.run(out, lc, lp, pb);
    }

    private int nextByte() {
        if (pos >= end) {
            error = true;
            return 0xff;
        }
        return in[pos++] & 0xff;
    }

    private void normalize() {
        if (range < 0x1000000) {
            code = (code << 8 | nextByte()) & U32;
            range = range << 8 & U32;
        }
    }

    private int bit(long index) {
        if (index < 0 || index >= table.length) {
            error = true;
            return 0xff;
        }
        int i = (int) index;
        int p = table[i];
        long bound = p * (range >>> 11) & U32;
        if (code < bound) {
            range = bound;
            table[i] = (char) (p + ((0x800 - p) >> 5));
            normalize();
            return 0;
        }
        range -= bound;
        code -= bound;
        table[i] = (char) (p - (p >>> 5));
        normalize();
        return 1;
    }

    private int byteFromTable(long base) {
        int count = 1;
        while (count < 0x100) {
            count = count * 2 | bit(base + count);
        }
        return count & 0xff;
    }

    private int matchedByte(long base, int matchByte) {
        int count = 1;
        int m = matchByte;
        while (count < 0x100) {
            int matchBit = m >> 7 & 1;
            m = m << 1 & 0xff;
            int b = bit(base + ((long) (matchBit + 1) << 8) + count);
            count = count * 2 | b;
            if (matchBit != b) {
                while (count < 0x100) {
                    count = count * 2 | bit(base + count);
                }
            }
        }
        return count & 0xff;
    }

    private long bitsFromTable(long base, int bits) {
        long count = 1;
        for (int i = 0; i < bits; i++) {
            count = count * 2 + bit(base + count) & U32;
        }
        return count - (1L << bits) & U32;
    }

    private long length(long base, long posState) {
        if (bit(base) == 0) {
            return bitsFromTable(base + (posState << 3) + 2, 3);
        }
        if (bit(base + 1) == 0) {
            return 8 + bitsFromTable(base + (posState << 3) + 0x82, 3);
        }
        return 0x10 + bitsFromTable(base + 0x102, 8);
    }

    private long reverseBits(long base, long count) {
        if ((int) count <= 0) {
            return 0;
        }
        long p = 1;
        long v = 0;
        for (long i = 0; i < count; i++) {
            int b = bit(base + p);
            p = p * 2 + b;
            v |= (long) b << i & U32;
        }
        return v & U32;
    }

    private long directBits(long count) {
        if ((int) count <= 0) {
            return 0;
        }
        long v = 0;
        while (count-- > 0) {
            range >>>= 1;
            v = v << 1 & U32;
            if (code >= range) {
                code -= range;
                v |= 1;
            }
            if (range < 0x1000000) {
                range = range << 8 & U32;
                code = (code << 8 | nextByte()) & U32;
            }
        }
        return v;
    }

    private boolean run(byte[] out, int lc, int lp, int pb) {
        int dsize = out.length;
        long pbMask = (1L << pb) - 1;
        long lpMask = (1L << lp) - 1;
        long written = 0;
        long state = 0;
        long rep0 = 1;
        long rep1 = 1;
        long rep2 = 1;
        long rep3 = 1;
        boolean afterMatch = false;
        int prev = 0;
        while (true) {
            if (error) {
                return false;
            }
            long posState = pbMask & written;
            if (bit((state << 4) + posState) == 0) {
                long at = ((prev >> (8 - lc)) + ((lpMask & written) << lc)) * 0x300L + 0x736;
                state = state >= 4 ? (state >= 10 ? state - 6 : state - 3) : 0;
                if (afterMatch) {
                    if (written - rep0 < 0 || written - rep0 >= dsize) {
                        return false;
                    }
                    prev = matchedByte(at, out[(int) (written - rep0)] & 0xff);
                    afterMatch = false;
                } else {
                    prev = byteFromTable(at);
                }
                if (written >= dsize) {
                    return false;
                }
                out[(int) written++] = (byte) prev;
                if (written >= dsize) {
                    return true;
                }
                continue;
            }
            afterMatch = true;
            long len;
            if (bit(state + 0xc0) != 0) {
                if (bit(state + 0xcc) == 0) {
                    if (bit((state + 0xf << 4) + posState) == 0) {
                        if (written == 0) {
                            return false;
                        }
                        state = state >= 7 ? 11 : 9;
                        if (written - rep0 < 0 || written - rep0 >= dsize) {
                            return false;
                        }
                        prev = out[(int) (written - rep0)] & 0xff;
                        out[(int) written++] = (byte) prev;
                        if (written >= dsize) {
                            return true;
                        }
                        continue;
                    }
                    len = length(0x534, posState);
                } else {
                    long d;
                    if (bit(state + 0xd8) == 0) {
                        d = rep1;
                    } else {
                        if (bit(state + 0xe4) == 0) {
                            d = rep2;
                        } else {
                            d = rep3;
                            rep3 = rep2;
                        }
                        rep2 = rep1;
                    }
                    rep1 = rep0;
                    rep0 = d;
                    len = length(0x534, posState);
                }
                state = state >= 7 ? 11 : 8;
            } else {
                rep3 = rep2;
                rep2 = rep1;
                rep1 = rep0;
                state = state >= 7 ? 10 : 7;
                len = length(0x332, posState);
                long slot = bitsFromTable(0x1b0 + (Math.min(len, 3) << 6), 6);
                long distance;
                if (slot >= 4) {
                    long direct = (slot >>> 1) - 1 & U32;
                    distance = ((slot & 1) | 2) << direct & U32;
                    if (slot < 0xe) {
                        distance = distance + reverseBits(distance - slot + 0x2af, direct) & U32;
                    } else {
                        distance = distance + (directBits(direct - 4 & U32) << 4) & U32;
                        distance = distance + reverseBits(0x322, 4) & U32;
                    }
                } else {
                    distance = slot;
                }
                rep0 = distance + 1 & U32;
            }
            if (rep0 == 0) {
                return true; // the end marker
            }
            if (rep0 > written) {
                return false;
            }
            long n = len + 2;
            if (written + n > dsize) {
                return false;
            }
            for (long k = 0; k < n; k++, written++) {
                out[(int) written] = out[(int) (written - rep0)];
            }
            prev = out[(int) written - 1] & 0xff;
            if (written >= dsize) {
                return true;
            }
        }
    }
}
