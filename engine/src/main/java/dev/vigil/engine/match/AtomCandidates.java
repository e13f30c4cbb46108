package dev.vigil.engine.match;

import java.util.Arrays;

/**
 * The atom candidates of every part of a compilation, stored flat in blocks of primitive arrays: hundreds of
 * thousands of parts with up to six candidates each would otherwise cost an object and an array per candidate until
 * the atoms are assigned, and one array per field would be copied (and its old copies left to the collector) each
 * time it grew. Candidate {@code c} covers {@link #length} positions and expands to {@link #valueCount} literal
 * values, {@link #value}{@code (c, 0 ..)}; a part's candidates are consecutive, best first.
 * <p>
 * Four ints per candidate: they live until every pattern is added, so on a large database they are most of the
 * compiler's transient memory (a daemon's reload peak). The score is kept as a float (it only ranks candidates), the
 * length, value count and smallest prefix share one int, and a candidate with a single value (nearly all) holds it in
 * place of a position in the value blocks.
 */
final class AtomCandidates {
    private static final int BLOCK_BITS = 14;
    private static final int BLOCK_SIZE = 1 << BLOCK_BITS;
    private static final int MASK = BLOCK_SIZE - 1;
    /** Ints per candidate: length | value count << 3 | prefixMin << 8, prefixMax, score bits, value or position. */
    private static final int FIELDS = 4;
    /** Prefix lengths must fit the 24 bits left beside length and value count. */
    static final int MAX_PREFIX = (1 << 24) - 1;

    private int[][] fields = new int[4][];
    /** Values of multi-value candidates in blocks; one candidate's never span two (at most {@link Atoms#MAX_EXPANSION}). */
    private int[][] values = new int[4][];
    private int valueBlocks;
    private int valuesUsed = BLOCK_SIZE;
    private int count;
    /** Where {@link #add} asked its caller to write the values: a value block, or {@link #single}. */
    private int[] pendingBlock;
    private int pendingOffset;
    private final int[] single = new int[1];
    private final Atoms.Scratch scratch = new Atoms.Scratch();

    Atoms.Scratch scratch(int nodes, int max) {
        return scratch.ensure(nodes, max);
    }

    /** Number of candidates stored so far (a mark to roll back to). */
    int count() {
        return count;
    }

    /** Drops every candidate stored after {@code mark} (a pattern that turned out unusable). */
    void truncate(int mark) {
        count = mark;
    }

    /**
     * Appends a candidate of {@code valueCount} values; the caller writes them into the returned array from
     * {@link #valueOffset()} on, then calls {@link #commit()}.
     */
    int[] add(int len, int min, int max, double sc, int valueCount) {
        if (min < 0 || max < min || max > MAX_PREFIX || len < 1 || len > Atoms.MAX_LENGTH || valueCount < 1
                || valueCount > Atoms.MAX_EXPANSION) {
            throw new IllegalArgumentException("atom candidate out of range");
        }
        int block = count >>> BLOCK_BITS;
        int at = count & MASK;
        if (at == 0 && (block == fields.length || fields[block] == null)) {
            if (block == fields.length) {
                fields = Arrays.copyOf(fields, block * 2);
            }
            fields[block] = new int[BLOCK_SIZE * FIELDS];
        }
        int[] f = fields[block];
        int o = at * FIELDS;
        f[o] = len | valueCount << 3 | min << 8;
        f[o + 1] = max;
        f[o + 2] = Float.floatToRawIntBits((float) sc);
        if (valueCount == 1) {
            pendingBlock = single;
            pendingOffset = 0;
        } else {
            if (valuesUsed + valueCount > BLOCK_SIZE) {
                if (valueBlocks == values.length) {
                    values = Arrays.copyOf(values, valueBlocks * 2);
                }
                values[valueBlocks++] = new int[BLOCK_SIZE];
                valuesUsed = 0;
            }
            f[o + 3] = ((valueBlocks - 1) << BLOCK_BITS) | valuesUsed;
            pendingBlock = values[valueBlocks - 1];
            pendingOffset = valuesUsed;
            valuesUsed += valueCount;
        }
        count++;
        return pendingBlock;
    }

    /** Where the values of the candidate {@link #add} just stored go in the array it returned. */
    int valueOffset() {
        return pendingOffset;
    }

    /** Takes in the values written for the last candidate. */
    void commit() {
        if (pendingBlock == single) {
            int c = count - 1;
            fields[c >>> BLOCK_BITS][(c & MASK) * FIELDS + 3] = single[0];
        }
        pendingBlock = null;
    }

    private int field(int c, int i) {
        return fields[c >>> BLOCK_BITS][(c & MASK) * FIELDS + i];
    }

    int length(int c) {
        return field(c, 0) & 7;
    }

    int prefixMin(int c) {
        return field(c, 0) >>> 8;
    }

    int prefixMax(int c) {
        return field(c, 1);
    }

    double score(int c) {
        return Float.intBitsToFloat(field(c, 2));
    }

    int valueCount(int c) {
        return (field(c, 0) >>> 3) & 31;
    }

    int value(int c, int i) {
        int[] f = fields[c >>> BLOCK_BITS];
        int o = (c & MASK) * FIELDS;
        int p = f[o + 3];
        if (((f[o] >>> 3) & 31) == 1) {
            return p;
        }
        return values[p >>> BLOCK_BITS][(p & MASK) + i];
    }
}
