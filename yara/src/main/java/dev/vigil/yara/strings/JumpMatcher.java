package dev.vigil.yara.strings;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Anchored matcher for a hex piece that is only byte sets and jumps ({@code 8B [1-16] 89 ?? E8 [4-32] F3 A4}): a
 * depth-first search over the jump lengths in the NFA's priority order (shortest first for YARA's non-greedy jumps),
 * which finds the same match as {@link PikeVm} without simulating threads. A (run, offset) pair that failed once
 * fails again, so such pairs are marked and never explored twice: the work per start is bounded by
 * runs × span × widest jump.
 */
final class JumpMatcher {

    /** Longest expansion of counted repeats accepted; beyond it the NFA is used. */
    private static final int MAX_FLAT = 4096;

    /**
     * Per run whose every byte set is "the bytes b with b & mask == value" (literal bytes, nibbles, wildcards: nearly
     * every hex byte), its masks and values, two bytes per position; null for the other runs, which keep
     * {@link #runSets}. The sets of a large rule set's hex strings took 32 bytes per position, a third of what a
     * compiled signature-base kept.
     */
    private final byte[][] runMasks;
    private final byte[][] runValues;
    private final long[][] runSets;   // per other run: 4 longs per byte set, one set per byte of the run; else null
    private final int[] runLen;
    private final int[] gapMin;       // gap after run k (the last run has none)
    private final int[] gapMax;
    private final boolean[] gapGreedy;
    private final int span;           // longest possible match, capped at the scan limit
    private final long[] runMinOff;   // distance range of each run from the match start
    private final long[] runMaxOff;
    /**
     * Per run of at least eight bytes whose every set is "the bytes b with b & mask == value" (literal bytes, nibbles,
     * wildcards: nearly every hex byte), the run as eight-byte words: at offsets 0, 8, ... and a last one ending
     * where the run ends (it may overlap the one before), compared a word at a time. Null for other runs.
     */
    private final long[][] wordMasks;
    private final long[][] wordValues;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private JumpMatcher(List<long[]> runs, List<byte[]> masks, List<byte[]> values, List<Integer> lens,
                        List<int[]> gaps, List<Boolean> greedy, int span) {
        int n = runs.size();
        runSets = runs.toArray(new long[0][]);
        runMasks = masks.toArray(new byte[0][]);
        runValues = values.toArray(new byte[0][]);
        runLen = lens.stream().mapToInt(Integer::intValue).toArray();
        gapMin = new int[n];
        gapMax = new int[n];
        gapGreedy = new boolean[n];
        for (int k = 0; k < gaps.size(); k++) {
            gapMin[k] = gaps.get(k)[0];
            gapMax[k] = gaps.get(k)[1];
            gapGreedy[k] = greedy.get(k);
        }
        this.span = span;
        runMinOff = new long[n];
        runMaxOff = new long[n];
        for (int k = 1; k < n; k++) {
            runMinOff[k] = runMinOff[k - 1] + runLen[k - 1] + gapMin[k - 1];
            runMaxOff[k] = runMaxOff[k - 1] + runLen[k - 1] + gapMax[k - 1];
        }
        wordMasks = new long[n][];
        wordValues = new long[n][];
        for (int k = 0; k < n; k++) {
            words(k);
        }
    }

    private void words(int k) {
        int len = runLen[k];
        byte[] masks = runMasks[k];
        if (len < 8 || masks == null) {
            return;
        }
        byte[] values = runValues[k];
        int words = (len + 7) / 8;
        long[] m = new long[words];
        long[] v = new long[words];
        for (int w = 0; w < words; w++) {
            int from = Math.min(8 * w, len - 8);
            for (int j = 0; j < 8; j++) {
                m[w] |= (long) (masks[from + j] & 0xFF) << (8 * j);
                v[w] |= (long) (values[from + j] & 0xFF) << (8 * j);
            }
        }
        wordMasks[k] = m;
        wordValues[k] = v;
    }

    /** {@code mask << 8 | value} when set {@code i} of {@code sets} is {b : b & mask == value}, else -1. */
    static int maskValue(long[] sets, int i) {
        int count = 0;
        for (int w = 0; w < 4; w++) {
            count += Long.bitCount(sets[i * 4 + w]);
        }
        if (count == 256) {
            return 0; // any byte
        }
        if (count == 0 || (count & (count - 1)) != 0) {
            return -1;
        }
        if (count == 1) {
            for (int w = 0; ; w++) {
                long bits = sets[i * 4 + w];
                if (bits != 0) {
                    return 0xFF << 8 | (w * 64 + Long.numberOfTrailingZeros(bits));
                }
            }
        }
        // the members only (one for a literal byte, sixteen for a nibble): this runs for every byte of a rule set
        int ones = 0xFF;
        int zeros = 0xFF;
        for (int w = 0; w < 4; w++) {
            for (long bits = sets[i * 4 + w]; bits != 0; bits &= bits - 1) {
                int b = w * 64 + Long.numberOfTrailingZeros(bits);
                ones &= b;
                zeros &= ~b;
            }
        }
        int mask = (ones | zeros) & 0xFF;
        return count == 1 << (8 - Integer.bitCount(mask)) ? mask << 8 | (ones & mask) : -1;
    }

    /**
     * Where an atom chosen at distance [minOff, maxOff] from the match start sits: {@code run << 16 | index in run},
     * or -1 when that is not one place for sure.
     */
    int locate(byte[] atom, int minOff, int maxOff, int scanLimit) {
        int found = -1;
        for (int k = 0; k < runLen.length; k++) {
            for (int w = 0; w + atom.length <= runLen[k]; w++) {
                if (runMinOff[k] + w != minOff || Math.min(runMaxOff[k] + w, scanLimit) != maxOff
                        || !holds(k, w, atom)) {
                    continue;
                }
                if (found >= 0 || k > 0x7FFF || w > 0xFFFF) {
                    return -1;
                }
                found = k << 16 | w;
            }
        }
        return found;
    }

    private boolean holds(int k, int w, byte[] atom) {
        byte[] masks = runMasks[k];
        if (masks != null) {
            for (int i = 0; i < atom.length; i++) {
                if ((atom[i] & masks[w + i]) != runValues[k][w + i]) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < atom.length; i++) {
            int b = atom[i] & 0xFF;
            if ((runSets[k][(w + i) * 4 + (b >>> 6)] & (1L << (b & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The matcher for {@code piece}, or null when it holds anything but byte sets and any-byte jumps (a piece without
     * jumps is one run: a fixed-length comparison).
     */
    static JumpMatcher of(ReNode piece, int scanLimit) {
        List<ReNode> flat = new ArrayList<>();
        if (!flatten(piece, flat)) {
            return null;
        }
        List<long[]> runs = new ArrayList<>();
        List<byte[]> masks = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        List<Integer> lens = new ArrayList<>();
        List<int[]> gaps = new ArrayList<>();
        List<Boolean> greedy = new ArrayList<>();
        List<long[]> current = new ArrayList<>();
        long span = 0;
        for (ReNode n : flat) {
            if (n.type == ReNode.Type.BYTES) {
                current.add(n.set);
                span++;
            } else {
                closeRun(current, runs, masks, values, lens);
                int max = (int) Math.min(n.max, (long) scanLimit);
                gaps.add(new int[] {Math.min(n.min, scanLimit), max});
                greedy.add(n.greedy);
                span += max;
            }
        }
        closeRun(current, runs, masks, values, lens);
        if (runs.isEmpty()) {
            return null;
        }
        return new JumpMatcher(runs, masks, values, lens, gaps, greedy, (int) Math.min(span, scanLimit));
    }

    /** Ends the run of byte sets in {@code current}: as masks and values where every set is one, else as sets. */
    private static void closeRun(List<long[]> current, List<long[]> runs, List<byte[]> masks, List<byte[]> values,
                                 List<Integer> lens) {
        int n = current.size();
        byte[] m = new byte[n];
        byte[] v = new byte[n];
        for (int i = 0; i < n && m != null; i++) {
            int mv = maskValue(current.get(i), 0);
            if (mv < 0) {
                m = null;
            } else {
                m[i] = (byte) (mv >>> 8);
                v[i] = (byte) mv;
            }
        }
        if (m != null) {
            runs.add(null);
            masks.add(m);
            values.add(v);
        } else {
            long[] sets = new long[n * 4];
            for (int i = 0; i < n; i++) {
                System.arraycopy(current.get(i), 0, sets, i * 4, 4);
            }
            runs.add(sets);
            masks.add(null);
            values.add(null);
        }
        lens.add(n);
        current.clear();
    }

    private static boolean flatten(ReNode n, List<ReNode> out) {
        switch (n.type) {
            case BYTES -> out.add(n);
            case ALT -> {
                // (61 | 41): alternatives of one byte each consume one byte and go on alike, so they are one set
                long[] set = oneByteSet(n);
                if (set == null) {
                    return false;
                }
                out.add(ReNode.bytes(set, ReNode.ByteKind.OTHER, 0, 0));
            }
            case CONCAT -> {
                for (ReNode c : n.children) {
                    if (!flatten(c, out)) {
                        return false;
                    }
                }
            }
            case REPEAT -> {
                ReNode c = n.children.get(0);
                boolean anyByte = c.type == ReNode.Type.BYTES && (c.set[0] & c.set[1] & c.set[2] & c.set[3]) == -1L;
                long[] set = oneByteSet(c);
                if (n.rangeAny && anyByte) {
                    out.add(n);
                } else if (set != null && n.min == n.max && out.size() + n.min <= MAX_FLAT) {
                    // a counted class like [0-9a-f]{32}: that many single sets, nothing to choose
                    ReNode one = c.type == ReNode.Type.BYTES ? c : ReNode.bytes(set, ReNode.ByteKind.OTHER, 0, 0);
                    for (int i = 0; i < n.min; i++) {
                        out.add(one);
                    }
                } else {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes {@code n} accepts when it always consumes exactly one byte (a byte set, alternatives of such, or a
     * group holding one), else null. The union is exact: every alternative leads to the same continuation, so which
     * one the NFA prefers cannot change the match.
     */
    private static long[] oneByteSet(ReNode n) {
        switch (n.type) {
            case BYTES -> {
                return n.set;
            }
            case CONCAT -> {
                return n.children.size() == 1 ? oneByteSet(n.children.get(0)) : null;
            }
            case ALT -> {
                long[] union = new long[4];
                for (ReNode c : n.children) {
                    long[] set = oneByteSet(c);
                    if (set == null) {
                        return null;
                    }
                    for (int i = 0; i < 4; i++) {
                        union[i] |= set[i];
                    }
                }
                return union;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Writes the byte sets that {@link #tailMatches} requires with run {@code firstRun} at distance {@code origin}
     * from the atom: that run, and the runs after it as long as the jumps between have one length.
     */
    void fixedFrom(int firstRun, int origin, HitFilter.Bytes out) {
        int off = origin;
        for (int k = firstRun; k < runLen.length && off < HitFilter.REACH; k++) {
            byte[] masks = runMasks[k];
            for (int i = 0; i < runLen[k]; i++) {
                if (masks != null) {
                    out.require(off + i, masks[i], runValues[k][i]);
                } else {
                    out.require(off + i, runSets[k], i * 4);
                }
            }
            if (k == runLen.length - 1 || gapMin[k] != gapMax[k]) {
                return;
            }
            off += runLen[k] + gapMin[k];
        }
    }

    /** Scratch of one scan: failed (run, offset) marks, and the DFS stack. */
    static final class Scratch {
        int[] marks = new int[0];
        int[] jump = new int[0];
        int[] at = new int[0];
        int generation;
    }

    /**
     * @param start index in buf where the match starts
     * @param limit index in buf where reading must stop
     * @return the length of the highest-priority match, or -1
     */
    int match(byte[] buf, int start, int limit, Scratch sc) {
        return match(buf, start, limit, sc, 0);
    }

    /**
     * Whether the pattern from run {@code firstRun} on can match with that run at {@code buf[runStart]}: every match
     * through an atom of that run passes this, so an atom hit that fails it needs no verification.
     */
    boolean tailMatches(byte[] buf, int runStart, int limit, Scratch sc, int firstRun) {
        return match(buf, runStart, limit, sc, firstRun) >= 0;
    }

    private int match(byte[] buf, int start, int limit, Scratch sc, int firstRun) {
        int runs = runLen.length;
        int width = span + 1;
        if (sc.marks.length < runs * width) {
            sc.marks = new int[runs * width];
        }
        if (sc.jump.length < runs) {
            sc.jump = new int[runs];
            sc.at = new int[runs];
        }
        if (++sc.generation == Integer.MAX_VALUE) {
            java.util.Arrays.fill(sc.marks, 0);
            sc.generation = 1;
        }
        int gen = sc.generation;
        int[] marks = sc.marks;
        int[] jump = sc.jump;
        int[] at = sc.at;
        int room = Math.min(limit - start, span);
        int k = firstRun;
        int off = 0;
        while (true) {
            // The byte compare first: it fails at most offsets, and a mark read there would be a cache miss.
            boolean runOk = off + runLen[k] <= room && runMatches(k, buf, start + off);
            boolean ok = runOk && marks[k * width + off] != gen;
            if (ok) {
                int end = off + runLen[k];
                if (k == runs - 1) {
                    return end;
                }
                at[k] = off;
                int lo = gapMin[k];
                int hi = Math.min(gapMax[k], room - end);
                if (lo <= hi) {
                    jump[k] = gapGreedy[k] ? hi : lo;
                    off = end + jump[k];
                    k++;
                    continue;
                }
            }
            if (runOk && off <= span) {
                // only a run that matched is worth marking: a mismatch costs no more to find again
                marks[k * width + off] = gen;
            }
            // back up to the latest jump that has another length left
            while (true) {
                k--;
                if (k < firstRun) {
                    return -1;
                }
                int end = at[k] + runLen[k];
                int hi = Math.min(gapMax[k], room - end);
                int next = gapGreedy[k] ? jump[k] - 1 : jump[k] + 1;
                if (next >= gapMin[k] && next <= hi) {
                    jump[k] = next;
                    off = end + next;
                    k++;
                    break;
                }
                marks[k * width + at[k]] = gen;
            }
        }
    }

    private boolean runMatches(int k, byte[] buf, int p) {
        long[] masks = wordMasks[k];
        int n = runLen[k];
        if (masks != null) {
            long[] values = wordValues[k];
            int last = masks.length - 1;
            for (int w = 0; w < last; w++) {
                if (((long) LONG.get(buf, p + 8 * w) & masks[w]) != values[w]) {
                    return false;
                }
            }
            return ((long) LONG.get(buf, p + n - 8) & masks[last]) == values[last];
        }
        byte[] m = runMasks[k];
        if (m != null) {
            byte[] v = runValues[k];
            for (int i = 0; i < n; i++) {
                if ((buf[p + i] & m[i]) != v[i]) {
                    return false;
                }
            }
            return true;
        }
        long[] sets = runSets[k];
        for (int i = 0; i < n; i++) {
            int b = buf[p + i] & 0xFF;
            if ((sets[i * 4 + (b >>> 6)] & (1L << (b & 63))) == 0) {
                return false;
            }
        }
        return true;
    }
}
