package dev.vigil.yara.strings;

import java.util.Arrays;

/**
 * The matches of one string in one scan, kept as YARA keeps them: sorted by offset, one per offset (a later match at
 * the same offset is dropped, or replaces the length for greedy regexes), and at most {@link #MAX_MATCHES}; reaching
 * the cap sets {@link #tooManyMatches()} and disables the string for the rest of the scan. Also holds the per-scan state
 * the matchers need (scratch for the NFA, the next start offset still to try, pending pieces of chained strings), so
 * verification allocates nothing per call. Reuse it across scans with {@link #reset()}.
 */
public final class StringMatches implements MatchView {

    public static final int MAX_MATCHES = 1_000_000;

    // Made on the first match: most strings of a scan get atom hits that never verify.
    private long[] offsets = NO_OFFSETS;
    private int[] lengths = NO_LENGTHS;
    private byte[] keys = NO_KEYS;
    private static final long[] NO_OFFSETS = new long[0];
    private static final int[] NO_LENGTHS = new int[0];
    private static final byte[] NO_KEYS = new byte[0];
    private int count;
    private boolean tooMany;
    private long refusedAt;
    /** The one offset this string may match at ({@link #onlyAt}), or {@link #ANYWHERE}. */
    private long onlyAt = ANYWHERE;
    public static final long ANYWHERE = Long.MIN_VALUE;

    /** First absolute start offset a pattern matcher has not tried yet: for atom-less strings, and per atom. */
    long nextStart;
    long[] nextStartByAtom = new long[0];
    // Created on first use: most strings get atom hits that never reach the NFA or the jump matcher. Matches made
    // for a scan use that scan's shared scratch instead.
    private PikeVm vm;
    private JumpMatcher.Scratch jumpScratch;
    private final ScanScratch shared;
    private int machine;

    PikeVm vm() {
        if (shared != null) {
            return shared.vm(machine);
        }
        if (vm == null) {
            vm = new PikeVm();
        }
        return vm;
    }

    JumpMatcher.Scratch jumpScratch() {
        if (jumpScratch == null) {
            jumpScratch = new JumpMatcher.Scratch();
        }
        return jumpScratch;
    }

    public StringMatches() {
        this.shared = null;
    }

    /** Matches whose matchers use the scan's shared scratch; {@link #assign} says which string they are for. */
    public StringMatches(ScanScratch shared) {
        this.shared = shared;
        this.jumpScratch = shared.jump;
    }

    /**
     * Makes these (reset) matches those of string {@code stringIndex} of a scan: picks its NFA machine in the shared
     * scratch and the one offset it may match at ({@link #onlyAt}).
     */
    public void assign(int stringIndex, long onlyAt) {
        machine = ScanScratch.slotOf(stringIndex);
        this.onlyAt = onlyAt;
    }

    /**
     * Resets these matches for another string of a later scan, dropping arrays that one file made grow large.
     */
    public void recycle() {
        reset();
        onlyAt = ANYWHERE;
        if (offsets.length > MAX_KEPT) {
            offsets = NO_OFFSETS;
            lengths = NO_LENGTHS;
            keys = NO_KEYS;
        }
        if (nextStartByAtom.length > MAX_KEPT) {
            nextStartByAtom = new long[0];
        }
        if (chain != null && chain.oversized()) {
            chain = null;
        }
    }

    private static final int MAX_KEPT = 1024;

    ChainState chain;

    public void reset() {
        if (shared != null) {
            shared.storedMatches -= count;
        }
        count = 0;
        tooMany = false;
        nextStart = 0;
        java.util.Arrays.fill(nextStartByAtom, 0);
        if (chain != null) {
            chain.reset();
        }
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public long offset(int i) {
        return offsets[i];
    }

    @Override
    public int length(int i) {
        return lengths[i];
    }

    /** The xor key of the i-th match (0 for strings without {@code xor}). */
    public int xorKey(int i) {
        return keys[i] & 0xFF;
    }

    /**
     * Accepts matches at this offset only, as YARA searches a literal string that conditions only ask for at one
     * constant offset ({@code $a at 100}); {@link #ANYWHERE} lifts it. Kept across {@link #reset()}.
     */
    public void onlyAt(long offset) {
        onlyAt = offset;
    }

    /** The offset of the match the cap refused (once {@link #tooManyMatches()}). */
    public long refusedAt() {
        return refusedAt;
    }

    /**
     * True once this string records nothing more in this scan: it reached {@link #MAX_MATCHES}, or the scan's strings
     * keep {@link ScanScratch#MAX_STORED_MATCHES} in all (the scan ends with a limit then, its hits need no checks).
     */
    public boolean full() {
        return tooMany || shared != null && shared.matchesFull;
    }

    /** True once the string reached {@link #MAX_MATCHES}; YARA warns "too many matches" then. */
    public boolean tooManyMatches() {
        return tooMany;
    }

    /**
     * Records a match.
     *
     * @param replace greedy regexes: a second match at the same offset replaces the length
     */
    public void add(long offset, int length, int xorKey, boolean replace) {
        if (tooMany || (onlyAt != ANYWHERE && offset != onlyAt)) {
            return;
        }
        int i = count - 1;
        while (i >= 0 && offsets[i] > offset) {
            i--;
        }
        if (i >= 0 && offsets[i] == offset) {
            if (replace) {
                lengths[i] = length;
            }
            return;
        }
        if (count == MAX_MATCHES) {
            tooMany = true;
            refusedAt = offset;
            return;
        }
        if (shared != null) {
            if (shared.storedMatches >= ScanScratch.MAX_STORED_MATCHES) {
                shared.matchesFull = true;
                return;
            }
            shared.storedMatches++;
        }
        if (count == offsets.length) {
            int n = Math.min(MAX_MATCHES, Math.max(8, count * 2));
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            keys = Arrays.copyOf(keys, n);
        }
        int at = i + 1;
        if (at < count) {
            System.arraycopy(offsets, at, offsets, at + 1, count - at);
            System.arraycopy(lengths, at, lengths, at + 1, count - at);
            System.arraycopy(keys, at, keys, at + 1, count - at);
        }
        offsets[at] = offset;
        lengths[at] = length;
        keys[at] = (byte) xorKey;
        count++;
    }

    /**
     * Pieces of a chained string that matched but are not yet joined to the next piece: per piece, (chain start,
     * piece end) pairs in the order found.
     */
    static final class ChainState {
        final long[][] chainStart;
        final long[][] pieceEnd;
        final int[] size;
        final long[] nextStart;

        ChainState(int pieces) {
            chainStart = new long[pieces][16];
            pieceEnd = new long[pieces][16];
            size = new int[pieces];
            nextStart = new long[pieces];
        }

        void reset() {
            Arrays.fill(size, 0);
            Arrays.fill(nextStart, 0);
        }

        boolean oversized() {
            if (size.length > MAX_KEPT) {
                return true;
            }
            for (long[] piece : chainStart) {
                if (piece.length > MAX_KEPT) {
                    return true;
                }
            }
            return false;
        }

        void add(int piece, long start, long end) {
            int n = size[piece];
            if (n == chainStart[piece].length) {
                chainStart[piece] = Arrays.copyOf(chainStart[piece], n * 2);
                pieceEnd[piece] = Arrays.copyOf(pieceEnd[piece], n * 2);
            }
            chainStart[piece][n] = start;
            pieceEnd[piece][n] = end;
            size[piece] = n + 1;
        }

        void remove(int piece, int index) {
            int n = --size[piece];
            System.arraycopy(chainStart[piece], index + 1, chainStart[piece], index, n - index);
            System.arraycopy(pieceEnd[piece], index + 1, pieceEnd[piece], index, n - index);
        }
    }
}
