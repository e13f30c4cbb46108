package dev.vigil.yara.strings;

import java.util.List;

/**
 * One YARA string ready for the scan. The engine finds the {@link #atoms()} in the data and calls
 * {@link #verify} for every occurrence, in increasing position order; the string decides whether and where it matches
 * and records that in a {@link StringMatches}.
 */
public interface CompiledString {

    /** The declaration's identifier, e.g. {@code "$a"}. */
    String identifier();

    /**
     * Literal atoms of 1..4 bytes; every match contains one of them. Empty: no usable atom, verify at every offset
     * (with {@code atom == -1}).
     */
    List<byte[]> atoms();

    /** Bytes before an atom position that {@link #verify} may read. */
    int maxBack();

    /** Bytes from an atom position on that {@link #verify} may read. */
    int maxForward();

    /**
     * Checks the occurrence of atom {@code atom} (an index into {@link #atoms()}, or -1 when there are none) at
     * {@code buf[pos]}.
     *
     * @param buf   data; buf[i] has the absolute offset {@code base + i}; only buf[0..valid) is meaningful
     * @param size  total size of the data being scanned
     * @param out   this string's matches in this scan
     */
    void verify(int atom, byte[] buf, long base, int valid, long size, int pos, StringMatches out);

    /**
     * A string without atoms: verifies every start in {@code buf[from, to)}, as {@link #verify} with atom -1 at each
     * would. {@code firstOnly}: stop once the string has a match (yara -f, when one match is all its rules need).
     */
    default void verifyEvery(byte[] buf, long base, int valid, long size, int from, int to, StringMatches out,
                             boolean firstOnly) {
        for (int pos = from; pos < to; pos++) {
            if (firstOnly && out.count() > 0) {
                return;
            }
            verify(-1, buf, base, valid, size, pos, out);
        }
    }

    /** For a string without atoms: the test its starts must pass, or null when each start needs verifying. */
    default StartFilter startFilter() {
        return null;
    }

    /**
     * For a string with a {@link #startFilter()}: verifies the starts it let through ({@code starts[0, n)}, buffer
     * indexes, ascending) of the range that ends at {@code to}, as {@link #verifyEvery} would over that range.
     */
    default void verifyStarts(byte[] buf, long base, int valid, long size, int[] starts, int n, int to,
                              StringMatches out, boolean firstOnly) {
        throw new UnsupportedOperationException("no start filter");
    }

    /**
     * A cheap test that every hit of atom {@code atom} which can lead to a match passes, and most other hits fail;
     * null when there is none. A hit that fails it may be skipped: verifying it would record nothing.
     */
    default HitFilter hitFilter(int atom) {
        return null;
    }

    /** {@link #hitFilter} of every atom, in atom order. */
    default HitFilter[] hitFilters() {
        HitFilter[] all = new HitFilter[atoms().size()];
        for (int a = 0; a < all.length; a++) {
            all[a] = hitFilter(a);
        }
        return all;
    }

    /**
     * How many different offsets a match found through a hit of atom {@code atom} can start at: the hit at p finds
     * matches that start in a range of that many offsets before p (within {@link #maxBack()}).
     */
    default int startSpan(int atom) {
        return maxBack() + 1;
    }

    /**
     * Sets, in {@code out[at]} to {@code out[at + 3]} (a 256-bit set), the bytes a match can begin with; every byte
     * where that is not known. Checked before a string is looked for at one offset (YARA's {@code $a at E}), where
     * most strings fail on their first byte.
     */
    default void firstBytes(long[] out, int at) {
        java.util.Arrays.fill(out, at, at + 4, -1L);
    }

    /**
     * Whether each match is found from one atom hit alone, whatever earlier hits left in the {@link StringMatches}
     * (a string split into chained pieces needs the pieces earlier hits found). Then whether it matches at one
     * offset can be checked there, from the atom positions near it.
     */
    default boolean oneHitFindsMatch() {
        return false;
    }

    /**
     * Whether this is one plain byte sequence (with modifiers), which YARA calls a literal string: only those
     * can be searched at the one offset that {@code $a at N} asks for.
     */
    default boolean isLiteral() {
        return false;
    }
}
