package dev.vigil.unpack.pe;

import java.util.Arrays;

/**
 * A raw LZMA (LZMA1, no header) decoder into a fixed output buffer that is also the whole dictionary, with the
 * outcome rules of the LZMA SDK decoder ClamAV uses when it asks for "any finish":
 * <ul>
 * <li>decoding stops when the output is full, at an end marker, or when the input runs out; a symbol counts only
 * when its bits and the range coder's following refill are all present (the SDK decodes only complete symbols), so a
 * cut stream yields what its complete symbols produce;</li>
 * <li>a data error (first range-coder byte not zero, a distance reaching before the start of the output, a repeat
 * match before any output, an end marker not followed by a zero code) fails the whole stream.</li>
 * </ul>
 * Memory: the probability model, at most 6 MiB (lc + lp up to 12), and no other allocation; time is linear in the
 * output, which the caller bounds.
 */
public final class RawLzma {
    /** Returned by {@link #decode} when the stream is not valid LZMA. */
    public static final int DATA_ERROR = -1;

    private static final int TOP = 1 << 24;
    private static final int PROB_INIT = 1 << 10;
    private static final int STATES = 12;
    private static final int LIT_STATES = 7;
    private static final int POS_STATES_MAX = 16;

    // Offsets into one probability array, in the SDK's order (only their distinctness matters).
    private static final int IS_MATCH = 0;
    private static final int IS_REP = IS_MATCH + (STATES << 4);
    private static final int IS_REP_G0 = IS_REP + STATES;
    private static final int IS_REP_G1 = IS_REP_G0 + STATES;
    private static final int IS_REP_G2 = IS_REP_G1 + STATES;
    private static final int IS_REP0_LONG = IS_REP_G2 + STATES;
    private static final int POS_SLOT = IS_REP0_LONG + (STATES << 4);
    private static final int SPEC_POS = POS_SLOT + (4 << 6);
    private static final int ALIGN = SPEC_POS + 114;
    private static final int LEN_CODER = ALIGN + 16;
    private static final int LEN_CODER_SIZE = 2 + POS_STATES_MAX * 8 * 2 + 256;
    private static final int REP_LEN_CODER = LEN_CODER + LEN_CODER_SIZE;
    private static final int LITERAL = REP_LEN_CODER + LEN_CODER_SIZE;

    /** Thrown when the input ends inside a symbol; preallocated, as it ends every cut stream. */
    private static final class Truncated extends RuntimeException {
        static final Truncated INSTANCE = new Truncated();

        private Truncated() {
            super(null, null, false, false);
        }
    }

    private final byte[] in;
    private final int inEnd;
    private int inPos;
    private int range = -1;
    private int code;
    private final short[] probs;

    private RawLzma(byte[] in, int off, int len, int lc, int lp) {
        this.in = in;
        this.inPos = off;
        this.inEnd = off + len;
        this.probs = new short[LITERAL + (0x300 << (lc + lp))];
        Arrays.fill(probs, (short) PROB_INIT);
    }

    /**
     * Decodes {@code len} bytes of {@code in} from {@code off} into {@code out[0..outLen)}.
     *
     * @return how many bytes were produced (0 to outLen), or {@link #DATA_ERROR}
     * @throws IllegalArgumentException for lc above 8, lp or pb above 4, or ranges outside the arrays
     */
    public static int decode(byte[] in, int off, int len, byte[] out, int outLen, int lc, int lp, int pb) {
        if (lc < 0 || lc > 8 || lp < 0 || lp > 4 || pb < 0 || pb > 4) {
            throw new IllegalArgumentException("LZMA properties out of range: lc " + lc + " lp " + lp + " pb " + pb);
        }
        if (off < 0 || len < 0 || off > in.length - len || outLen < 0 || outLen > out.length) {
            throw new IllegalArgumentException("ranges outside the buffers");
        }
        if (len < 5) {
            return 0; // the SDK waits for more input before its first symbol: nothing, but no error
        }
        if (in[off] != 0) {
            return DATA_ERROR;
        }
        RawLzma d = new RawLzma(in, off, len, lc, lp);
        d.code = (in[off + 1] & 0xff) << 24 | (in[off + 2] & 0xff) << 16 | (in[off + 3] & 0xff) << 8 | in[off + 4] & 0xff;
        d.inPos = off + 5;
        return d.run(out, outLen, lc, lp, pb);
    }

    private int run(byte[] out, int outLen, int lc, int lp, int pb) {
        int pbMask = (1 << pb) - 1;
        int lpMask = (1 << lp) - 1;
        int state = 0;
        int rep0 = 1;
        int rep1 = 1;
        int rep2 = 1;
        int rep3 = 1;
        int pos = 0;
        try {
            while (pos < outLen) {
                int posState = pos & pbMask;
                if (bit(IS_MATCH + (state << 4) + posState) == 0) {
                    int base = LITERAL;
                    if (pos > 0) {
                        base += 0x300 * (((pos & lpMask) << lc) + ((out[pos - 1] & 0xff) >>> (8 - lc)));
                    }
                    int symbol = 1;
                    if (state < LIT_STATES) {
                        while (symbol < 0x100) {
                            symbol = symbol << 1 | bit(base + symbol);
                        }
                    } else {
                        int matchByte = out[pos - rep0] & 0xff;
                        int offs = 0x100;
                        while (symbol < 0x100) {
                            matchByte <<= 1;
                            int matchBit = matchByte & offs;
                            int b = bit(base + offs + matchBit + symbol);
                            symbol = symbol << 1 | b;
                            offs &= b == 0 ? ~matchBit : matchBit;
                        }
                    }
                    normalize();
                    out[pos++] = (byte) symbol;
                    state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
                    continue;
                }
                int length;
                if (bit(IS_REP + state) == 0) {
                    length = length(LEN_CODER, posState);
                    int slot = tree(POS_SLOT + (Math.min(length, 3) << 6), 6);
                    int distance = slot;
                    if (slot >= 4) {
                        int direct = (slot >>> 1) - 1;
                        distance = (2 | slot & 1) << direct;
                        if (slot < 14) {
                            distance += reverseTree(SPEC_POS + distance - slot - 1, direct);
                        } else {
                            distance += directBits(direct - 4) << 4;
                            distance += reverseTree(ALIGN, 4);
                        }
                    }
                    normalize();
                    if (distance == -1) {
                        return code == 0 ? pos : DATA_ERROR; // the end marker
                    }
                    if (Integer.compareUnsigned(distance, pos) >= 0) {
                        return DATA_ERROR;
                    }
                    rep3 = rep2;
                    rep2 = rep1;
                    rep1 = rep0;
                    rep0 = distance + 1;
                    state = state < LIT_STATES ? 7 : 10;
                } else {
                    int which;
                    boolean shortRep = false;
                    if (bit(IS_REP_G0 + state) == 0) {
                        which = 0;
                        shortRep = bit(IS_REP0_LONG + (state << 4) + posState) == 0;
                    } else if (bit(IS_REP_G1 + state) == 0) {
                        which = 1;
                    } else {
                        which = bit(IS_REP_G2 + state) == 0 ? 2 : 3;
                    }
                    length = shortRep ? -1 : length(REP_LEN_CODER, posState);
                    normalize();
                    if (pos == 0) {
                        return DATA_ERROR;
                    }
                    if (which > 0) {
                        int d = which == 1 ? rep1 : which == 2 ? rep2 : rep3;
                        if (which == 3) {
                            rep3 = rep2;
                        }
                        if (which >= 2) {
                            rep2 = rep1;
                        }
                        rep1 = rep0;
                        rep0 = d;
                    }
                    state = shortRep ? (state < LIT_STATES ? 9 : 11) : (state < LIT_STATES ? 8 : 11);
                }
                int n = Math.min(length + 2, outLen - pos);
                for (int from = pos - rep0, end = pos + n; pos < end; pos++, from++) {
                    out[pos] = out[from];
                }
            }
        } catch (Truncated cut) {
            // the symbol in progress is incomplete: the output keeps only the complete ones (nothing of it was written)
        }
        return pos;
    }

    private int next() {
        if (inPos >= inEnd) {
            throw Truncated.INSTANCE;
        }
        return in[inPos++] & 0xff;
    }

    private void normalize() {
        if (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            code = code << 8 | next();
        }
    }

    private int bit(int i) {
        normalize();
        int p = probs[i];
        int bound = (range >>> 11) * p;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            probs[i] = (short) (p + ((2048 - p) >>> 5));
            return 0;
        }
        range -= bound;
        code -= bound;
        probs[i] = (short) (p - (p >>> 5));
        return 1;
    }

    private int tree(int base, int bits) {
        int m = 1;
        for (int i = 0; i < bits; i++) {
            m = m << 1 | bit(base + m);
        }
        return m - (1 << bits);
    }

    private int reverseTree(int base, int bits) {
        int m = 1;
        int sym = 0;
        for (int i = 0; i < bits; i++) {
            int b = bit(base + m);
            m = m << 1 | b;
            sym |= b << i;
        }
        return sym;
    }

    private int directBits(int count) {
        int result = 0;
        for (int i = 0; i < count; i++) {
            normalize();
            range >>>= 1;
            code -= range;
            int t = code >> 31; // -1 when code was below range: the SDK's branch-free form, kept for hostile streams
            code += range & t;
            result = (result << 1) + (t + 1);
        }
        return result;
    }

    /** A match length minus 2 (0 to 271). */
    private int length(int base, int posState) {
        if (bit(base) == 0) {
            return tree(base + 2 + (posState << 3), 3);
        }
        if (bit(base + 1) == 0) {
            return 8 + tree(base + 2 + (POS_STATES_MAX << 3) + (posState << 3), 3);
        }
        return 16 + tree(base + 2 + (POS_STATES_MAX << 4), 8);
    }
}
