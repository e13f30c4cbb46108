package dev.vigil.yara.strings;

import java.util.Arrays;

/**
 * Makes per-start matching linear for consecutive starts. Runs from neighbouring starts usually reach the same ordered
 * thread list at the same position; from there their futures are identical, so the later run takes over the earlier
 * run's outcome instead of re-reading up to 4096 bytes. Thread lists are interned as numbered states (exactly, by
 * content) and the state of the previous run at each position is kept in a ring. For programs whose steps do not
 * depend on the position ({@link Program#positionFree}) the steps between states are cached as well, which makes a
 * run over bytes it has seen before a lazily built DFA: one table read per byte instead of an NFA step.
 */
final class StartMemo {

    static final int DEAD = -1;
    private static final int RING = 1 << 13; // > scan limit + 1
    private static final int MAX_STATES = 1 << 15;
    private static final int MAX_POOL = 1 << 21;
    /**
     * Steps are cached from the first states only, up to this many entries (512 KiB; a row has one entry per byte
     * class of the program, {@link Program#byteClasses}): a pattern whose data-chosen states are many still gets its
     * NFA steps, not a table that grows with them. Counted repeats of a class have one state per count and two
     * classes: {@code [a-z]{1,4096}} caches all of its 4,096 states.
     */
    private static final int MAX_CACHED_ENTRIES = 1 << 17;
    /** Cached-step entries kept from one scan to the next (64 KiB). */
    private static final int KEPT_CACHED_ENTRIES = 1 << 14;

    // interned states: threads of state i are pool[start[i] .. start[i] + len[i]); match[i]: a MATCH cut the list
    int[] pool = new int[1024];
    int poolSize;
    int[] start = new int[256];
    int[] len = new int[256];
    boolean[] match = new boolean[256];
    int states;
    /** Changes whenever the states are forgotten; never 0. */
    int epoch = 1;
    // Open addressing: slot i holds state id slots[i] when slotEpoch[i] == epoch, else it is empty; so forgetting
    // every state costs nothing however large the table grew (a machine shared by strings does it at each switch).
    private int[] slots = new int[1024];
    private int[] slotEpoch = new int[1024];

    /**
     * Cached steps: {@code trans[256 * id + b]} is 1 + the state after reading b in state id, 0 when not known yet.
     * A state's row is valid only when {@code transEpoch[id] == epoch}; it is zeroed when first used in an epoch.
     */
    private int[] trans = new int[0];
    /** Entries per row: the byte classes of {@link #program}; and the states that get rows. */
    private int width = 256;
    private int maxCachedStates = MAX_CACHED_ENTRIES / 256;
    /** For a position-free program: the state every run starts in, valid when {@code initialEpoch == epoch}. */
    int initial;
    int initialEpoch;
    private int[] transEpoch = new int[0];

    // the previous run
    final int[] ring = new int[RING];
    boolean valid;
    Program program;
    byte[] buf;
    long base;
    int prevStart;
    /** The previous run's limit and data end: a run may take over only what it could have read itself. */
    int prevLimit;
    int prevDataEnd;
    int prevEnd;
    int prevEndState;
    int prevLastMatch;

    void invalidate() {
        valid = false;
    }

    /** Whether its tables grew past what is worth keeping from one scan to the next. */
    boolean oversized() {
        return pool.length > 1 << 14 || slots.length > 1 << 12 || trans.length > KEPT_CACHED_ENTRIES;
    }

    /** Rows of {@code classes} entries from now on (a new program); the cached steps of the last one are gone. */
    void rowsOf(int classes) {
        clear();
        if (classes != width) {
            width = classes;
            maxCachedStates = MAX_CACHED_ENTRIES / classes;
            trans = new int[0];
            transEpoch = new int[0];
        }
    }

    /** The cached state after a byte of class {@code c} in state {@code id}, or -1 when not known ({@link #trans}). */
    int step(int id, int c) {
        if (id >= transEpoch.length || transEpoch[id] != epoch) {
            return -1;
        }
        return trans[id * width + c] - 1;
    }

    /** Caches that state {@code id} goes to state {@code to} on a byte of class {@code c}; both of this epoch. */
    void cacheStep(int id, int c, int to) {
        if (id >= maxCachedStates) {
            return;
        }
        if (id >= transEpoch.length) {
            int n = Math.min(maxCachedStates, Math.max(id + 1, Math.max(16, transEpoch.length * 2)));
            transEpoch = Arrays.copyOf(transEpoch, n);
            trans = Arrays.copyOf(trans, n * width);
        }
        if (transEpoch[id] != epoch) {
            Arrays.fill(trans, id * width, (id + 1) * width, 0);
            transEpoch[id] = epoch;
        }
        trans[id * width + c] = to + 1;
    }

    /** Id of the thread list {@code list[0..n)} with the match flag; adds it when new. */
    int intern(int[] list, int n, boolean matched) {
        int h = matched ? 0x9E3779B9 : 0;
        for (int i = 0; i < n; i++) {
            h = (h ^ list[i]) * 0x01000193;
        }
        h ^= h >>> 15;
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            if (slotEpoch[i] != epoch) {
                break;
            }
            int id = slots[i];
            if (len[id] == n && match[id] == matched
                    && Arrays.equals(pool, start[id], start[id] + n, list, 0, n)) {
                return id;
            }
        }
        if (states >= MAX_STATES || poolSize + n > MAX_POOL) {
            clear();
        }
        int id = states++;
        if (id == start.length) {
            start = Arrays.copyOf(start, id * 2);
            len = Arrays.copyOf(len, id * 2);
            match = Arrays.copyOf(match, id * 2);
        }
        if (poolSize + n > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + n));
        }
        System.arraycopy(list, 0, pool, poolSize, n);
        start[id] = poolSize;
        len[id] = n;
        match[id] = matched;
        poolSize += n;
        if (states * 2 > slots.length) {
            rehash();
        } else {
            insert(id, h);
        }
        return id;
    }

    private void insert(int id, int h) {
        int mask = slots.length - 1;
        int i = h & mask;
        while (slotEpoch[i] == epoch) {
            i = (i + 1) & mask;
        }
        slots[i] = id;
        slotEpoch[i] = epoch;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        slotEpoch = new int[slots.length];
        for (int id = 0; id < states; id++) {
            int h = match[id] ? 0x9E3779B9 : 0;
            for (int i = 0; i < len[id]; i++) {
                h = (h ^ pool[start[id] + i]) * 0x01000193;
            }
            h ^= h >>> 15;
            insert(id, h);
        }
    }

    /** Forgets every state (ids in the ring become meaningless, so the previous run is dropped too). */
    void clear() {
        if (++epoch == 0) {
            // wrapped around: stamps of old epochs could come back
            Arrays.fill(slotEpoch, 0);
            Arrays.fill(transEpoch, 0);
            initialEpoch = 0;
            epoch = 1;
        }
        poolSize = 0;
        states = 0;
        valid = false;
    }

    static int slot(int pos) {
        return pos & (RING - 1);
    }
}
