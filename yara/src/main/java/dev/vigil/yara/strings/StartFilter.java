package dev.vigil.yara.strings;

import java.util.Arrays;

/**
 * The starts a string without atoms can match at, narrowed by what its first characters must be
 * ({@link Program#prefixSets}): such strings are otherwise tried at every byte. Strings with equal filters (rule sets
 * repeat {@code /[0-9a-fA-F]{N}/} with several N) share one pass of it; equality is by content.
 *
 * @param prefix per depth, four longs: the byte set of that character
 * @param ascii  whether starts of ascii matches are kept
 * @param wide   whether starts of wide matches (each character followed by a zero byte) are kept
 */
public record StartFilter(long[] prefix, boolean ascii, boolean wide) {

    /**
     * Writes the starts among {@code candidates[0, count)} (buffer indexes, ascending) that pass into {@code out}
     * (ascending; room for {@code count} needed) and returns how many. The candidates must include every start whose
     * byte is in {@link #firstSet()}, so that several filters can share one pass over the data. {@code end}: where
     * the data in the buffer ends.
     */
    public int collectAmong(byte[] buf, int[] candidates, int count, int end, int[] out) {
        boolean uniform = uniform(prefix);
        int depth = prefix.length >>> 2;
        int n = 0;
        // Starts below these fail, known from a miss found for an earlier start (see below).
        int asciiFailsBelow = 0;
        int wideEvenFailsBelow = 0;
        int wideOddFailsBelow = 0;
        // With one set for every depth: the end of the run of bytes in it that the last ascii test found, so that
        // each byte of a run is read once, not once per start in it.
        int asciiRunEnd = 0;
        long[] first = prefix;
        for (int i = 0; i < count; i++) {
            int s = candidates[i];
            // Every start, ascii or wide, has its first character in the first set; most bytes are not in it.
            int b = buf[s] & 0xFF;
            if ((first[b >>> 6] & (1L << b)) == 0) {
                continue;
            }
            boolean can = false;
            if (ascii && s >= asciiFailsBelow) {
                if (uniform) {
                    if (asciiRunEnd <= s) {
                        asciiRunEnd = runEnd(buf, s, end, first);
                    }
                    can = asciiRunEnd - s >= depth || asciiRunEnd >= end;
                    if (!can) {
                        // the starts up to the byte outside the set all fail on that byte
                        asciiFailsBelow = asciiRunEnd + 1;
                    }
                } else {
                    can = firstMiss(buf, s, end, prefix, depth, 1) < 0;
                }
            }
            if (!can && wide && s >= ((s & 1) == 0 ? wideEvenFailsBelow : wideOddFailsBelow)) {
                int miss = firstMiss(buf, s, end, prefix, depth, 2);
                can = miss < 0;
                // A later start of the same parity meets the same byte: at a character place (a set miss, which
                // dooms it only when every depth has that set) or at a zero place (a non-zero byte, which always
                // does). Starts of the other parity read it differently and are not skipped.
                if (!can) {
                    int failsBelow = ((miss - s) & 1) == 0 ? (uniform ? miss + 1 : 0) : miss;
                    if ((s & 1) == 0) {
                        wideEvenFailsBelow = Math.max(wideEvenFailsBelow, failsBelow);
                    } else {
                        wideOddFailsBelow = Math.max(wideOddFailsBelow, failsBelow);
                    }
                }
            }
            out[n] = s;
            n += can ? 1 : 0;
        }
        return n;
    }

    /** The bytes every start that passes begins with (a copy: four longs). */
    public long[] firstSet() {
        return Arrays.copyOf(prefix, 4);
    }

    private static boolean uniform(long[] prefix) {
        for (int i = 4; i < prefix.length; i++) {
            if (prefix[i] != prefix[i & 3]) {
                return false;
            }
        }
        return true;
    }

    /** The first index from {@code s} on whose byte is not in the set {@code set} (four longs), or {@code end}. */
    private static int runEnd(byte[] buf, int s, int end, long[] set) {
        int i = s;
        while (i < end) {
            int b = buf[i] & 0xFF;
            if ((set[b >>> 6] & (1L << b)) == 0) {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * Where the characters from {@code s} (ascii, or wide: each followed by a zero byte) first leave the prefix sets:
     * the index of the byte outside its set (or of the non-zero byte after a wide character), or -1 if they fit.
     */
    private static int firstMiss(byte[] buf, int s, int end, long[] prefix, int depth, int charSize) {
        for (int d = 0, i = s; d < depth; d++, i += charSize) {
            if (i >= end) {
                return -1;
            }
            int b = buf[i] & 0xFF;
            if ((prefix[4 * d + (b >>> 6)] & (1L << b)) == 0) {
                return i;
            }
            if (charSize == 2 && i + 1 < end && buf[i + 1] != 0) {
                return i + 1;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartFilter f && ascii == f.ascii && wide == f.wide && Arrays.equals(prefix, f.prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 4 + (ascii ? 2 : 0) + (wide ? 1 : 0);
    }

    @Override
    public String toString() {
        return "StartFilter[depth=" + prefix.length / 4 + ", ascii=" + ascii + ", wide=" + wide + "]";
    }
}
