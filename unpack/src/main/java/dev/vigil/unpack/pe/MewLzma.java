package dev.vigil.unpack.pe;

/**
 * MEW's LZMA stage: blocks of plain LZMA (lc 4, lp 0, pb 2, 16-bit probabilities at 11-bit precision) decoded inside
 * the image buffer, with the model itself kept in the image at a VA the block list names.
 *
 * <p>Block list: [only in "special" mode: a 32-bit length of the area whose calls are to be fixed], the model's VA,
 * then per block: output length, output VA, compressed length, a byte (ignored), and the compressed stream (one byte,
 * then the first 32-bit big-endian code word). Normal mode runs blocks until an output length of 0 in the header
 * position; special mode decodes one block, then turns {@code e8}/{@code e9} operands (stored big-endian and absolute)
 * back into relative ones. A distance of 0 after the +1 (the LZMA end marker) ends a block.
 *
 * <p>Every read and write is checked against the buffer; a read outside it fails the whole stage, as in ClamAV.
 */
final class MewLzma {
    private static final long U32 = 0xffffffffL;
    private static final int MODEL_BYTES = 0x6e6c;
    private static final int IS_REP = 0x180;
    private static final int IS_REP_G0 = 0x198;
    private static final int IS_REP_G1 = 0x1b0;
    private static final int IS_REP_G2 = 0x1c8;
    private static final int IS_REP0_LONG = 0x1e0;
    private static final int SLOT = 0x360;
    private static final int SPECIAL = 0x560;
    private static final int ALIGN = 0x644;
    private static final int MATCH_LEN = 0x664;
    private static final int REP_LEN = 0xa68;
    private static final int LITERAL = 0xe6c;

    private static final class Bad extends RuntimeException {
        static final Bad INSTANCE = new Bad();

        private Bad() {
            super(null, null, false, false);
        }
    }

    private final byte[] b;
    private long model;
    private long in;
    private long range;
    private long code;

    private MewLzma(byte[] b) {
        this.b = b;
    }

    /** Runs the stage on {@code buf}, its block list at {@code at}; false when the data does not hold together. */
    static boolean decode(byte[] buf, long at, long vma, boolean special) {
        try {
            new MewLzma(buf).run(at, vma, special);
            return true;
        } catch (Bad e) {
            return false;
        }
    }

    private boolean has(long at, long len) {
        return len > 0 && at >= 0 && len <= b.length && at + len <= b.length;
    }

    private void need(long at, long len) {
        if (!has(at, len)) {
            throw Bad.INSTANCE;
        }
    }

    private long u32(long at) {
        need(at, 4);
        return Le.u32(b, at);
    }

    private void run(long at, long vma, boolean special) {
        long fixLength = 0;
        if (special) {
            fixLength = u32(at);
            at += 4;
        }
        model = u32(at) - vma & U32;
        at += 4;
        while (true) {
            long outLength;
            long out;
            do {
                need(at, special ? 12 : 16);
                if (!special && u32(at) == 0) {
                    return;
                }
                outLength = u32(at);
                out = u32(at + 4) - vma & U32;
                long packedLength = u32(at + 8);
                long stream = at + 13;
                at = stream + packedLength;
                need(model, MODEL_BYTES);
                for (int i = 0; i < MODEL_BYTES; i += 2) {
                    b[(int) (model + i)] = 0;
                    b[(int) (model + i + 1)] = 4;
                }
                need(stream, 5);
                code = Integer.reverseBytes((int) Le.u32(b, stream + 1)) & U32;
                range = U32;
                in = stream + 5;
            } while (outLength == 0);
            block(out, outLength);
            if (special) {
                fixCalls(out, fixLength);
                return;
            }
        }
    }

    private int bit(long q) {
        need(q, 4);
        need(in, 1);
        int prob = b[(int) q] & 0xff | (b[(int) q + 1] & 0xff) << 8;
        long bound = (range >>> 11) * prob & U32;
        int result;
        if (code < bound) {
            range = bound;
            prob += (0x800 - prob) >> 5;
            result = 0;
        } else {
            range = range - bound & U32;
            code = code - bound & U32;
            prob -= prob >>> 5;
            result = 1;
        }
        b[(int) q] = (byte) prob;
        b[(int) q + 1] = (byte) (prob >>> 8);
        if (range < 0x1000000L) {
            code = (code << 8 | b[(int) in] & 0xff) & U32;
            range = range << 8 & U32;
            in++;
        }
        return result;
    }

    private long tree(long probs, int bits) {
        long v = 1;
        for (int i = 0; i < bits; i++) {
            v = 2 * v + bit(probs + 2 * v);
        }
        return v - (1L << bits);
    }

    private long reverseTree(long probs, long bits) {
        long m = 1;
        long v = 0;
        for (long i = 0; i < bits; i++) {
            int bit = bit(probs + 2 * m);
            m = 2 * m + bit;
            v |= (long) bit << i;
        }
        return v & U32;
    }

    private long length(long coder, long posState) {
        if (bit(coder) == 0) {
            return tree(coder + 4 + (posState << 4), 3);
        }
        if (bit(coder + 2) == 0) {
            return 8 + tree(coder + 0x104 + (posState << 4), 3);
        }
        return 0x10 + tree(coder + 0x204, 8);
    }

    private long directBits(long count) {
        long v = 0;
        for (long i = 0; i < count; i++) {
            range >>>= 1;
            v = v << 1 & U32;
            if (code >= range) {
                code -= range;
                v |= 1;
            }
            if (range < 0x1000000L) {
                need(in, 1);
                code = (code << 8 | b[(int) in] & 0xff) & U32;
                range = range << 8 & U32;
                in++;
            }
        }
        return v;
    }

    /** One block: {@code length} bytes at buffer offset {@code out}. */
    private void block(long out, long length) {
        long state = 0;
        long done = 0;
        long rep0 = 1;
        long rep1 = 1;
        long rep2 = 1;
        long rep3 = 1;
        boolean afterMatch = false;
        int prev = 0;
        do {
            long posState = done & 3;
            if (bit(model + ((state << 4) + posState) * 2) == 0) {
                long probs = model + LITERAL + ((long) (prev >> 4) * 3 << 9);
                state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
                if (afterMatch) {
                    long from = out + (done - rep0 & U32);
                    need(from, 1);
                    prev = matchedLiteral(probs, b[(int) from] & 0xff);
                    afterMatch = false;
                } else {
                    prev = (int) (tree(probs, 8) & 0xff);
                }
                need(out + done, 1);
                b[(int) (out + done++)] = (byte) prev;
                continue;
            }
            afterMatch = true;
            long len;
            if (bit(model + IS_REP + state * 2) == 0) {
                rep3 = rep2;
                rep2 = rep1;
                rep1 = rep0;
                state = state >= 7 ? 10 : 7;
                len = length(model + MATCH_LEN, posState);
                long slot = tree(model + SLOT + (Math.min(len, 3) << 7), 6);
                if (slot < 4) {
                    rep0 = slot;
                } else {
                    long bits = (slot >> 1) - 1;
                    rep0 = ((slot & 1) | 2) << bits & U32;
                    if (slot >= 14) {
                        rep0 = rep0 + (directBits(bits - 4) << 4) & U32;
                        rep0 = rep0 + reverseTree(model + ALIGN, 4) & U32;
                    } else {
                        rep0 = rep0 + reverseTree(model + SPECIAL - 2 + (rep0 - slot) * 2, bits) & U32;
                    }
                }
                rep0 = rep0 + 1 & U32;
            } else {
                if (bit(model + IS_REP_G0 + state * 2) != 0) {
                    long dist;
                    if (bit(model + IS_REP_G1 + state * 2) != 0) {
                        if (bit(model + IS_REP_G2 + state * 2) != 0) {
                            dist = rep3;
                            rep3 = rep2;
                        } else {
                            dist = rep2;
                        }
                        rep2 = rep1;
                    } else {
                        dist = rep1;
                    }
                    rep1 = rep0;
                    rep0 = dist;
                } else if (bit(model + IS_REP0_LONG + ((state << 4) + posState) * 2) == 0) {
                    state = state >= 7 ? 11 : 9;
                    long from = out + (done - rep0 & U32);
                    need(from, 1);
                    need(out + done, 1);
                    b[(int) (out + done)] = b[(int) from];
                    prev = b[(int) from] & 0xff;
                    done++;
                    continue;
                }
                len = length(model + REP_LEN, posState);
                state = state >= 7 ? 11 : 8;
            }
            if (rep0 == 0) {
                return; // the end marker
            }
            long count = len + 2;
            long left = length - done & U32;
            long from = out + (done - rep0 & U32);
            need(from, left);
            need(out + done, left);
            do {
                b[(int) (out + done)] = b[(int) (from++)];
                done++;
                count--;
            } while (count > 0 && done < length);
            prev = b[(int) (out + done - 1)] & 0xff;
        } while (done < length);
    }

    /** A literal coded against {@code matchByte} until the first bit that differs from it. */
    private int matchedLiteral(long probs, int matchByte) {
        long symbol = 1;
        int mb = matchByte;
        while (symbol < 0x100) {
            long matchBit = mb >> 7 & 1;
            mb = mb << 1 & 0xff;
            int bit = bit(probs + ((matchBit + 1 << 8) + symbol) * 2);
            symbol = symbol * 2 + bit;
            if (bit != matchBit) {
                break;
            }
        }
        while (symbol < 0x100) {
            symbol = symbol * 2 + bit(probs + symbol * 2);
        }
        return (int) (symbol & 0xff);
    }

    /** Special mode: operands of calls and jumps in the first {@code length} bytes, big-endian absolute to relative. */
    private void fixCalls(long at, long length) {
        if (length < 5 || !has(at, length)) {
            return;
        }
        for (long i = 0; i < length - 5; i++) {
            int op = b[(int) (at + i)] & 0xff;
            if (op == 0xe8 || op == 0xe9) {
                long operand = at + i + 1;
                long target = Integer.reverseBytes((int) Le.u32(b, operand)) & U32;
                Le.put32(b, (int) operand, target - i - 1);
                i += 4;
            }
        }
    }
}
