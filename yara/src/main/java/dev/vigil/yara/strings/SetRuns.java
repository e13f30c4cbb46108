package dev.vigil.yara.strings;

import java.util.Arrays;

/**
 * The runs of one byte set in a block of data, found in one pass for every uniform {@link StartFilter} of that set
 * (rule sets repeat {@code /[0-9a-fA-F]{N}/} with several N): ascii runs of consecutive bytes in the set, and wide
 * runs of bytes in the set each followed by a zero byte. A filter of depth N then reads the runs of N characters or
 * more ({@link StartFilter#collectFromRuns}) instead of testing every start. Only runs long enough for the shortest
 * filter, or reaching the data end, are kept.
 * <p>
 * Scratch of one scan at a time: {@link #find} overwrites what the last block found.
 */
public final class SetRuns {
    private final long[] set;
    /** The shortest run kept, in characters; {@link Integer#MAX_VALUE}: no filter of the set keeps such starts. */
    private final int asciiDepth;
    private final int wideDepth;
    /**
     * How many starts one byte outside the set (and, where wide runs are looked for, not zero) rules out: a kept
     * ascii run covers its first {@code asciiDepth} bytes, a kept wide run its first {@code 2 * wideDepth - 1}, and
     * a shorter run kept because it reaches the data end covers everything up to it; so such a byte at {@code q}
     * means no kept run starts in {@code [q - skip + 1, q]}.
     */
    private final int skip;

    /** Runs found in a block: first index and the index after the run, in the order found. */
    static final class Runs {
        int[] start = new int[16];
        int[] end = new int[16];
        int count;

        void add(int first, int after) {
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                end = Arrays.copyOf(end, count * 2);
            }
            start[count] = first;
            end[count++] = after;
        }
    }

    /** Ascii runs; each ends at the data end or at a byte outside the set. */
    final Runs ascii = new Runs();
    /** Wide runs; each ends at the first character after it (the data end or beyond it). */
    final Runs wide = new Runs();
    /** Where the data in the buffer ends, and the end of the block, as {@link #find} was given them. */
    int end;
    int to;
    /** Scratch of {@link StartFilter#collectFromRuns} (the wide starts before they are merged with the ascii ones). */
    int[] wideStarts = new int[64];
    int[] merged = new int[64];

    /**
     * @param set        the byte set (four longs) every character of the filters is in
     * @param asciiDepth the smallest depth among the set's filters that keep ascii starts, else Integer.MAX_VALUE
     * @param wideDepth  the same for wide starts
     */
    public SetRuns(long[] set, int asciiDepth, int wideDepth) {
        this.set = Arrays.copyOf(set, 4);
        this.asciiDepth = asciiDepth;
        this.wideDepth = wideDepth;
        long reach = Math.min(asciiDepth, wideDepth == Integer.MAX_VALUE ? Integer.MAX_VALUE : 2L * wideDepth - 1);
        this.skip = reach >= Integer.MAX_VALUE ? 1 : (int) reach; // no depth at all: nothing to rule out
    }

    /**
     * Finds the runs that start in {@code [from, to)}; a run may go on past {@code to}, up to {@code end} (where the
     * data in the buffer ends). A run that starts before {@code from} counts from {@code from}: a start's fit
     * depends only on the bytes from it on.
     */
    public void find(byte[] buf, int from, int to, int end) {
        this.end = end;
        this.to = to;
        ascii.count = 0;
        wide.count = 0;
        boolean findAscii = asciiDepth != Integer.MAX_VALUE;
        boolean findWide = wideDepth != Integer.MAX_VALUE;
        long[] s = set;
        int asciiCovered = from;
        // per parity: the positions below are inside a wide run found already
        int wideCoveredEven = from;
        int wideCoveredOdd = from;
        int skip = this.skip;
        for (int i = from; i < to; i++) {
            if (skip > 1 && i <= end - skip) {
                // a byte that rules out the starts up to it, looked at first: in binaries one often does
                int q = buf[i + skip - 1] & 0xFF;
                if ((s[q >>> 6] & (1L << q)) == 0 && (q != 0 || !findWide)) {
                    i += skip - 1;
                    continue;
                }
            }
            int b = buf[i] & 0xFF;
            if ((s[b >>> 6] & (1L << b)) == 0) {
                continue; // most bytes: no run of either kind starts here
            }
            if (findAscii && i >= asciiCovered) {
                int e = i + 1;
                while (e < end && (s[(buf[e] & 0xFF) >>> 6] & (1L << buf[e])) != 0) {
                    e++;
                }
                asciiCovered = e;
                if (e - i >= asciiDepth || e >= end) {
                    ascii.add(i, e);
                }
            }
            if (findWide && i >= ((i & 1) == 0 ? wideCoveredEven : wideCoveredOdd)
                    && (i + 1 >= end || buf[i + 1] == 0)) {
                int stop = i + 2;
                while (stop < end && (s[(buf[stop] & 0xFF) >>> 6] & (1L << buf[stop])) != 0
                        && (stop + 1 >= end || buf[stop + 1] == 0)) {
                    stop += 2;
                }
                if ((i & 1) == 0) {
                    wideCoveredEven = stop;
                } else {
                    wideCoveredOdd = stop;
                }
                if ((stop - i) >>> 1 >= wideDepth || stop >= end) {
                    wide.add(i, stop);
                }
            }
        }
    }
}
