package dev.vigil.unpack.pe;

/**
 * Upack's LZMA decoder, which keeps its whole model inside the image it unpacks: at {@code model} the coder's range
 * and low words, the four repeat distances, then the probabilities (32-bit words, 11-bit precision) of a classic
 * LZMA layout with no position bits: align bits at +0x18, the state bits (is-match +0x58, is-rep +0x88, rep-G0 +0xb8,
 * rep0-long +0xe8, rep-G1 +0x118, rep-G2 +0x148), distance special bits at +0x178, slot trees at +0x378 (one per
 * length state), the rep-length coder at +0x778, the match-length coder at +0xbc0 and the literal coders from +0x1008
 * (one per value of the previous byte shifted right by {@code shift}).
 *
 * <p>The range decoder reads the stream as a 32-bit big-endian window minus the low bound, rather than keeping a
 * code register: the same arithmetic as LZMA's. A probability or stream read outside the image yields no bit and
 * changes nothing; the stub's code then takes the branch a set bit would, and only the tree decoders give up. That
 * behaviour is kept, because it decides what the unpacked image holds for damaged files.
 */
final class UpackLzma {
    private static final long U32 = 0xffffffffL;
    /** A probability or the stream lies outside the image: no bit. */
    private static final int NONE = -1;

    private final UpackUnpacker.Image m;
    private final long model;
    private final long start;
    private final long end;
    private final long shift;
    private final long[] rep = new long[4];
    private long in;
    private long range;
    private long low;
    private long state;
    /** 0x80 after a match: the next literal is coded against the byte at distance rep0. */
    private long matchMask;
    private long out;

    /** {@code initial} is the stub's register that starts as both the state and the match mask (0 in every variant). */
    UpackLzma(UpackUnpacker.Image m, long initial, long model, long start, long end, long shift, long stream) {
        this.m = m;
        this.model = model;
        this.start = start;
        this.end = end;
        this.shift = shift;
        this.in = stream;
        this.matchMask = initial;
        this.state = initial;
    }

    /** Decodes into {@code [start, end)} (a match may run past {@code end}, as in the stub). */
    void run() {
        range = m.u32(model);
        low = m.u32(model + 4);
        for (int i = 0; i < 4; i++) {
            rep[i] = m.u32(model + 8 + 4L * i);
        }
        out = start;
        do {
            long q = model + 0x58 + (state << 2);
            if (bit(q) != 0) {
                match(q);
            } else {
                literal();
            }
        } while (out < end);
    }

    private int bit(long q) {
        if (!m.has(q, 4) || !m.has(in, 4)) {
            return NONE;
        }
        long prob = m.u32(q);
        long bound = (range >>> 11) * prob & U32;
        long window = (Integer.reverseBytes((int) m.u32(in)) & U32) - low & U32;
        int b;
        if (window < bound) {
            range = bound;
            m.put32(q, prob + ((0x800 - prob & U32) >>> 5));
            b = 0;
        } else {
            low = low + bound & U32;
            range = range - bound & U32;
            m.put32(q, prob - (prob >>> 5));
            b = 1;
        }
        normalize();
        return b;
    }

    private void normalize() {
        if ((range & 0xff000000L) == 0) {
            low = low << 8 & U32;
            range = range << 8 & U32;
            in++;
        }
    }

    /** A bit tree from node {@code node} up to {@code limit} leaves at {@code probs}; the leaf index. */
    private long tree(long node, long limit, long probs) {
        if (node <= 0) {
            throw UpackUnpacker.Bad.INSTANCE;
        }
        long v = node;
        do {
            int b = bit(probs + (v << 2));
            if (b == NONE) {
                throw UpackUnpacker.Bad.INSTANCE;
            }
            v = v + v + b & U32;
        } while (v < limit);
        return v - limit;
    }

    /** A length, 1..272 (one less than the bytes a match produces). */
    private long length(long coder) {
        long first = 1;
        long limit = 8;
        if (bit(coder) != 0) {
            first = 9;
            if (bit(coder + 4) != 0) {
                first = 0x11;
                limit = 0x100;
            }
        }
        return first + tree(1, limit, coder + 4 + (first << 2));
    }

    private void literal() {
        do {
            state = state >= 3 ? state - 3 : 0;
        } while (state >= 7);
        long prev = out > start && out < m.b.length ? m.u8(out - 1) : 0;
        long probs = model + 0x1008 + ((prev >>> shift) * 0x300 << 2 & U32);
        long symbol;
        if (matchMask != 0) {
            int matchByte = m.u8(out - rep[0]);
            int mask = (int) (matchMask & 0xff);
            long node = 1;
            while (true) {
                long matchBit = (matchByte & mask) != 0 ? 2 : 1;
                int b = bit(probs + ((matchBit << 8 | node) << 2));
                node = node + node + (b == NONE ? U32 : b) & 0xff;
                mask >>>= 1;
                if (mask == 0) {
                    symbol = node;
                    break;
                }
                if ((matchBit - node & 1) == 0) {
                    symbol = tree(node, 0x100, probs);
                    break;
                }
            }
        } else {
            symbol = tree(1, 0x100, probs);
        }
        matchMask = 0;
        put(symbol);
    }

    private void match(long q) {
        long next = state >= 7 ? 11 : 8;
        long dist = rep[0];
        long len;
        if (bit(q + 0x30) == 0) {
            state = next - 1;
            rep[3] = rep[2];
            rep[2] = rep[1];
            rep[1] = rep[0];
            len = length(model + 0xbc0);
            dist = distance(Math.min(len - 1, 3)) + 1 & U32;
        } else {
            if (bit(q + 0x60) != 0) {
                if (bit(q + 0xc0) != 0) {
                    int g2 = bit(q + 0xf0);
                    long t = dist;
                    dist = rep[2];
                    rep[2] = rep[1];
                    rep[1] = t;
                    if (g2 != 0) {
                        t = dist;
                        dist = rep[3];
                        rep[3] = t;
                    }
                } else {
                    long t = dist;
                    dist = rep[1];
                    rep[1] = t;
                }
            } else if (bit(q + 0x90) == 0) {
                state = next | 1;
                m.need(out - rep[0], 1);
                m.need(out, 1);
                matchMask = 0x80;
                put(m.u8(out - rep[0]));
                return;
            }
            state = next;
            len = length(model + 0x778);
        }
        m.need(out, len);
        m.need(out - dist, len + 1);
        rep[0] = dist;
        for (long i = 0; i < len; i++, out++) {
            m.b[(int) out] = m.b[(int) (out - dist)];
        }
        matchMask = 0x80;
        put(m.u8(out - dist));
    }

    /** A distance slot and its extra bits (without the final +1). */
    private long distance(long lengthState) {
        long slot = tree(1, 0x40, model + 0x378 + (lengthState << 8));
        if (slot < 4) {
            return slot;
        }
        long bits = (slot >>> 1) - 1;
        long dist = (2 + (slot & 1)) << bits & U32;
        long probs = model + 0x178 + (dist << 2 & U32);
        if (bits > 5) {
            long direct = 0;
            for (long k = bits - 4; k > 0; k--) {
                m.need(in, 4);
                long window = (Integer.reverseBytes((int) m.u32(in)) & U32) - low & U32;
                range >>>= 1;
                direct <<= 1;
                if (window >= range) {
                    direct++;
                    low = low + range & U32;
                }
                normalize();
            }
            bits = 4;
            dist = dist + (direct << 4) & U32;
            probs = model + 0x18;
        }
        long r = tree(1, 1L << bits, probs);
        long reversed = 0;
        for (long k = 0; k < bits; k++) {
            reversed = reversed * 2 + (r & 1);
            r >>>= 1;
        }
        return dist + reversed & U32;
    }

    private void put(long value) {
        m.need(out, 1);
        m.b[(int) out++] = (byte) value;
    }
}
