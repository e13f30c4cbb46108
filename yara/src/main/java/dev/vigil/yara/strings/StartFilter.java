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

    /**
     * The starts that pass among those of the block {@code runs} was last given ({@link SetRuns#find}), read off its
     * runs: for a filter whose every depth has one set ({@link #uniform()}, that set {@code runs}' set, and a depth
     * at or above the depths {@code runs} was made for). Writes them into {@code out} (ascending; room for the
     * block's length needed) and returns how many; the same starts as {@link #collectAmong} over the block.
     */
    public int collectFromRuns(SetRuns runs, int[] out) {
        int depth = depth();
        int end = runs.end;
        int to = runs.to;
        int n = 0;
        if (ascii) {
            for (int r = 0; r < runs.ascii.count; r++) {
                int e = runs.ascii.end[r];
                // every start with depth characters before the run's end passes; where the data ends inside the
                // run, every start does (the string may still match there, as far as the filter knows)
                int last = Math.min(e >= end ? e - 1 : e - depth, to - 1);
                for (int st = runs.ascii.start[r]; st <= last; st++) {
                    out[n++] = st;
                }
            }
        }
        if (!wide) {
            return n;
        }
        int[] w = runs.wideStarts;
        int k = 0;
        for (int r = 0; r < runs.wide.count; r++) {
            int first = runs.wide.start[r];
            int stop = runs.wide.end[r];
            int last = Math.min(stop >= end ? stop - 2 : stop - 2 * depth, to - 1);
            for (int st = first; st <= last; st += 2) {
                if (k == w.length) {
                    w = runs.wideStarts = Arrays.copyOf(w, k * 2);
                }
                w[k++] = st;
            }
        }
        if (k == 0) {
            return n;
        }
        // wide runs of both parities interleave: sorted, then merged with the ascii starts (a start passes both
        // ways only where the set holds the zero byte: kept once)
        Arrays.sort(w, 0, k);
        if (n == 0) {
            System.arraycopy(w, 0, out, 0, k);
            return k;
        }
        int[] m = runs.merged;
        if (m.length < n + k) {
            m = runs.merged = new int[Math.max(n + k, 2 * m.length)];
        }
        int i = 0;
        int j = 0;
        int t = 0;
        while (i < n || j < k) {
            if (j == k || i < n && out[i] < w[j]) {
                m[t++] = out[i++];
            } else {
                if (i < n && out[i] == w[j]) {
                    i++;
                }
                m[t++] = w[j++];
            }
        }
        System.arraycopy(m, 0, out, 0, t);
        return t;
    }

    /** Whether every depth has the same set: {@link #collectFromRuns} serves such filters. */
    public boolean uniform() {
        return uniform(prefix);
    }

    /** How many characters from a start the filter looks at. */
    public int depth() {
        return prefix.length >>> 2;
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
