package dev.vigil.engine.match;

import java.util.Arrays;

/**
 * The atom candidates of every part of a compilation, stored flat in primitive arrays: hundreds of thousands of
 * parts with up to six candidates each would otherwise cost an object and an array per candidate until the atoms
 * are assigned. Candidate {@code c} covers {@code length[c]} positions and expands to the literal values
 * {@code values[valuesFrom[c] .. valuesFrom[c + 1])}; a part's candidates are consecutive, best first.
 */
final class AtomCandidates {

    int[] length = new int[64];
    int[] prefixMin = new int[64];
    int[] prefixMax = new int[64];
    double[] score = new double[64];
    /** One more entry than candidates: the end of the last one's values. */
    int[] valuesFrom = new int[65];
    int[] values = new int[256];
    private int count;
    private final Atoms.Scratch scratch = new Atoms.Scratch();

    Atoms.Scratch scratch(int nodes, int max) {
        return scratch.ensure(nodes, max);
    }

    /** Number of candidates stored so far (a mark to roll back to). */
    int count() {
        return count;
    }

    int valueCount() {
        return valuesFrom[count];
    }

    /** Drops every candidate stored after {@code mark} (a pattern that turned out unusable). */
    void truncate(int mark) {
        count = mark;
    }

    /** Appends a candidate; its values follow through {@link #addValue}. */
    void startCandidate(int len, int min, int max, double sc) {
        if (count + 1 == length.length) {
            int cap = length.length + (length.length >> 1); // 1.5x: millions of candidates
            length = Arrays.copyOf(length, cap);
            prefixMin = Arrays.copyOf(prefixMin, cap);
            prefixMax = Arrays.copyOf(prefixMax, cap);
            score = Arrays.copyOf(score, cap);
            valuesFrom = Arrays.copyOf(valuesFrom, cap + 1);
        }
        length[count] = len;
        prefixMin[count] = min;
        prefixMax[count] = max;
        score[count] = sc;
        valuesFrom[count + 1] = valuesFrom[count];
        count++;
    }

    /** Reserves room for {@code n} values of the candidate just started and returns the index of the first. */
    int reserveValues(int n) {
        int from = valuesFrom[count];
        if (from + n > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length + (values.length >> 1), from + n));
        }
        valuesFrom[count] = from + n;
        return from;
    }

}
