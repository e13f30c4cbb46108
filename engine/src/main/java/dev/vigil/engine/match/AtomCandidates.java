package dev.vigil.engine.match;

import java.util.Arrays;

/**
 * The atom candidates of every part of a compilation, stored flat in blocks of primitive arrays: hundreds of
 * thousands of parts with up to six candidates each would otherwise cost an object and an array per candidate until
 * the atoms are assigned, and one array per field would be copied (and its old copies left to the collector) each
 * time it grew. Candidate {@code c} covers {@link #length} positions and expands to {@link #valueCount} literal
 * values, {@link #value}{@code (c, 0 ..)}; a part's candidates are consecutive, best first.
 */
final class AtomCandidates {
    private static final int BLOCK_BITS = 14;
    private static final int BLOCK_SIZE = 1 << BLOCK_BITS;
    private static final int MASK = BLOCK_SIZE - 1;
    /** Ints per candidate: length, prefixMin, prefixMax, first value's position, value count. */
    private static final int FIELDS = 5;

    private int[][] fields = new int[4][];
    private double[][] scores = new double[4][];
    /** Values in blocks; one candidate's values never span two blocks (at most {@link Atoms#MAX_EXPANSION}). */
    private int[][] values = new int[4][];
    private int valueBlocks;
    private int valuesUsed = BLOCK_SIZE;
    private int count;
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
     * Appends a candidate of {@code valueCount} values and returns the block its values go to, from
     * {@link #valueOffset}{@code (candidate)}.
     */
    int[] add(int len, int min, int max, double sc, int valueCount) {
        int block = count >>> BLOCK_BITS;
        int at = count & MASK;
        if (at == 0 && (block == fields.length || fields[block] == null)) {
            if (block == fields.length) {
                fields = Arrays.copyOf(fields, block * 2);
                scores = Arrays.copyOf(scores, block * 2);
            }
            fields[block] = new int[BLOCK_SIZE * FIELDS];
            scores[block] = new double[BLOCK_SIZE];
        }
        if (valuesUsed + valueCount > BLOCK_SIZE) {
            if (valueBlocks == values.length) {
                values = Arrays.copyOf(values, valueBlocks * 2);
            }
            values[valueBlocks++] = new int[BLOCK_SIZE];
            valuesUsed = 0;
        }
        int[] f = fields[block];
        int o = at * FIELDS;
        f[o] = len;
        f[o + 1] = min;
        f[o + 2] = max;
        f[o + 3] = ((valueBlocks - 1) << BLOCK_BITS) | valuesUsed;
        f[o + 4] = valueCount;
        scores[block][at] = sc;
        valuesUsed += valueCount;
        count++;
        return values[valueBlocks - 1];
    }

    private int field(int c, int i) {
        return fields[c >>> BLOCK_BITS][(c & MASK) * FIELDS + i];
    }

    int length(int c) {
        return field(c, 0);
    }

    int prefixMin(int c) {
        return field(c, 1);
    }

    int prefixMax(int c) {
        return field(c, 2);
    }

    double score(int c) {
        return scores[c >>> BLOCK_BITS][c & MASK];
    }

    int valueCount(int c) {
        return field(c, 4);
    }

    /** Where candidate {@code c}'s values start in the block {@link #add} returned for it. */
    int valueOffset(int c) {
        return field(c, 3) & MASK;
    }

    int value(int c, int i) {
        int p = field(c, 3);
        return values[p >>> BLOCK_BITS][(p & MASK) + i];
    }
}
