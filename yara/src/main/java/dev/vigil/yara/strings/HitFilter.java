package dev.vigil.yara.strings;

import dev.vigil.engine.ir.AtomFilter;

/**
 * A necessary condition for an atom hit to be worth verifying, cheap enough to test before the string is touched: the
 * eight bytes at {@code pos + offset}, read little-endian and masked, equal {@code value}. It applies only where
 * {@code pos >= minPos} (buffer indexes) and the eight bytes lie inside the buffer; elsewhere the hit is verified as
 * usual. Most atom hits in binaries fail within a few bytes of the atom, and this rejects them without the calls and
 * cache misses of the full verification.
 *
 * @param offset where the eight bytes start, relative to the atom position
 * @param minPos the least atom position (index in the buffer) at which the condition holds
 * @param mask   which bits of the eight bytes are fixed (byte i at bits 8i)
 * @param value  their values
 */
public record HitFilter(int offset, int minPos, long mask, long value) {

    /** {@link #offset} and {@link #minPos} in one long, as {@link #rejects} takes them. */
    public long place() {
        return AtomFilter.place(offset, minPos);
    }

    /**
     * Whether a filter ({@code place} from {@link #place()}, mask, value) rejects the atom hit at {@code buf[pos]}:
     * the engine's own test ({@link AtomFilter#rejects}), which it applies to the hits of the scan's pass.
     */
    public static boolean rejects(long place, long mask, long value, byte[] buf, int pos) {
        return AtomFilter.rejects(place, mask, value, buf, pos);
    }

    /** Positions examined around an atom, in each direction. */
    static final int REACH = 24;

    /**
     * Per relative position (from {@code -REACH} to {@code REACH} around the atom) the bits every match through the
     * hit fixes. Starts unconstrained; the strings fill it in.
     */
    static final class Bytes {
        /** Bytes, not ints: one is made per atom of a rule set (tens of thousands), and four times the size showed. */
        final byte[] mask = new byte[2 * REACH];
        final byte[] value = new byte[2 * REACH];

        /** Byte at {@code rel} must be in {@code set} (4 longs from {@code at}). */
        void require(int rel, long[] set, int at) {
            int i = rel + REACH;
            if (i < 0 || i >= mask.length) {
                return;
            }
            // only the set's members are visited, and the walk stops once no bit is common
            int first = -1;
            int differ = 0;
            for (int w = 0; w < 4 && differ != 0xFF; w++) {
                long bits = set[at + w];
                while (bits != 0 && differ != 0xFF) {
                    int b = w * 64 + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (first < 0) {
                        first = b;
                    } else {
                        differ |= b ^ first;
                    }
                }
            }
            if (first < 0) {
                // no byte can match here: any fixed value rejects, but keep it simple and leave it open
                return;
            }
            int m = ~differ & 0xFF;
            mask[i] = (byte) m;
            value[i] = (byte) (first & m);
        }

        /** Byte at {@code rel} masked by {@code m} must equal {@code v}. */
        void require(int rel, int m, int v) {
            int i = rel + REACH;
            if (i >= 0 && i < mask.length) {
                mask[i] = (byte) m;
                value[i] = (byte) (v & m);
            }
        }

        /** Keeps only what both conditions fix alike: what holds for every one of several alternatives. */
        void intersect(Bytes other) {
            for (int i = 0; i < mask.length; i++) {
                int m = mask[i] & other.mask[i] & ~(value[i] ^ other.value[i]);
                mask[i] = (byte) m;
                value[i] = (byte) (value[i] & m);
            }
        }

        /** Fixed bits at position {@code i} outside the atom ({@code [0, atomLength)} relative), else 0. */
        private int fixedBits(int i, int atomLength) {
            int rel = i - REACH;
            return rel < 0 || rel >= atomLength ? Integer.bitCount(mask[i] & 0xFF) : 0;
        }

        /**
         * The eight-byte window with the most fixed bits outside the atom itself ({@code [0, atomLength)}, already
         * known to match), or null when nothing outside the atom is fixed.
         */
        HitFilter best(int atomLength, int minPos) {
            // a sliding sum over the fixed bits per position (this runs for every atom of a rule set; no array)
            int bits = 0;
            for (int j = 0; j < 8; j++) {
                bits += fixedBits(j, atomLength);
            }
            int bestBits = bits;
            int bestStart = 0;
            for (int start = 1; start + 8 <= mask.length; start++) {
                bits += fixedBits(start + 7, atomLength) - fixedBits(start - 1, atomLength);
                if (bits > bestBits) {
                    bestBits = bits;
                    bestStart = start;
                }
            }
            if (bestBits == 0) {
                return null;
            }
            long m = 0;
            long v = 0;
            for (int j = 0; j < 8; j++) {
                m |= (long) (mask[bestStart + j] & 0xFF) << (8 * j);
                v |= (long) (value[bestStart + j] & 0xFF) << (8 * j);
            }
            return new HitFilter(bestStart - REACH, minPos, m, v);
        }
    }

    /**
     * What program {@code p} fixes from a match start on: at each step, the union of the byte sets any thread can
     * consume there, until a thread can reach the end of the match (the match may be that short). Positions are
     * written relative to {@code origin} (the start's distance from the atom). Programs beyond {@code maxSize}
     * instructions are not walked (compile time); then nothing is fixed.
     */
    static void fromProgram(Program p, int origin, Bytes out, int maxSize) {
        if (p.size > maxSize) {
            return;
        }
        int[] seen = new int[p.size];
        int generation = 1;
        int[] states = new int[p.size];
        int[] next = new int[p.size];
        int[] stack = new int[p.size * 2 + 2];
        int count = closure(p, 0, seen, generation, states, 0, stack);
        long[] union = new long[4];
        for (int step = 0; count > 0 && origin + step < REACH; step++) {
            java.util.Arrays.fill(union, 0);
            for (int i = 0; i < count; i++) {
                int pc = states[i];
                if (p.op[pc] == Program.MATCH) {
                    return; // a match may end here: later bytes are not needed
                }
                if (p.op[pc] == Program.CONSUME) {
                    for (int w = 0; w < 4; w++) {
                        union[w] |= p.sets[p.arg1[pc] * 4 + w];
                    }
                }
            }
            out.require(origin + step, union, 0);
            generation++;
            int n = 0;
            for (int i = 0; i < count; i++) {
                int pc = states[i];
                if (p.op[pc] == Program.CONSUME) {
                    n = closure(p, pc + 1, seen, generation, next, n, stack);
                }
            }
            int[] t = states;
            states = next;
            next = t;
            count = n;
        }
    }

    /** Adds the states reachable from {@code pc} without consuming (assertions passed over: they only narrow). */
    private static int closure(Program p, int pc, int[] seen, int generation, int[] states, int count, int[] stack) {
        int sp = 0;
        stack[sp++] = pc;
        while (sp > 0) {
            int at = stack[--sp];
            if (at >= p.size || seen[at] == generation) {
                continue;
            }
            seen[at] = generation;
            switch (p.op[at]) {
                case Program.CONSUME, Program.MATCH -> states[count++] = at;
                case Program.JMP -> stack[sp++] = p.arg1[at];
                case Program.SPLIT -> {
                    stack[sp++] = p.arg1[at];
                    stack[sp++] = p.arg2[at];
                }
                default -> stack[sp++] = at + 1;
            }
        }
        return count;
    }
}
