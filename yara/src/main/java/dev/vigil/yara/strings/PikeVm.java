package dev.vigil.yara.strings;

/**
 * Runs a {@link Program} anchored at one start position with Perl priority (what YARA's forward "fiber" engine
 * reports): threads are kept in priority order, a MATCH cuts every lower-priority thread, and the last MATCH seen
 * gives the length. Time is O(window × program); no backtracking. Scratch arrays are reused across runs.
 */
final class PikeVm {

    private int[] current = new int[16];
    private int[] next = new int[16];
    private int[] marks = new int[16];
    private int[] stack = new int[16];
    private int generation;
    /** Positions stepped over by all runs so far: a deterministic measure of matching work, for tests. */
    private long steps;

    long steps() {
        return steps;
    }

    /** Of {@link #steps}, those of memo runs that simulated the NFA, not found in the cached steps. */
    private long simulatedSteps;

    long simulatedSteps() {
        return simulatedSteps;
    }

    /**
     * @param buf        data; buf[i] has absolute offset base + i
     * @param start      index in buf where the match starts
     * @param limit      index in buf where reading must stop (scan window end, clipped to the data present)
     * @param dataEnd    index in buf that corresponds to the end of the whole data (for {@code $} and {@code \b})
     * @param charSize   1, or 2 for wide (every character must be followed by a zero byte)
     * @return the match length in bytes, or -1
     */
    int run(Program p, byte[] buf, long base, int start, int limit, int dataEnd, int charSize) {
        ensure(p.size);
        int result = -1;
        int count = addThread(p, current, 0, 0, buf, base, start, dataEnd, charSize, nextGeneration());
        int pos = start;
        while (count > 0) {
            steps++;
            int gen = nextGeneration();
            int nextCount = 0;
            boolean canRead = pos + charSize <= limit && (charSize == 1 || buf[pos + 1] == 0);
            int b = canRead ? buf[pos] & 0xFF : 0;
            for (int i = 0; i < count; i++) {
                int pc = current[i];
                if (p.op[pc] == Program.MATCH) {
                    result = pos - start;
                    break;
                }
                if (canRead) {
                    int s = p.arg1[pc] << 2;
                    if ((p.sets[s + (b >>> 6)] & (1L << (b & 63))) != 0) {
                        nextCount = addThread(p, next, nextCount, pc + 1, buf, base, pos + charSize, dataEnd,
                                charSize, gen);
                    }
                }
            }
            int[] t = current;
            current = next;
            next = t;
            count = nextCount;
            pos += charSize;
        }
        return result;
    }

    /**
     * Whether some match starts at {@code start} (any length, priority ignored): stops at the first one seen.
     * {@code charSize} as in {@link #run}.
     */
    boolean exists(Program p, byte[] buf, long base, int start, int limit, int dataEnd, int charSize) {
        ensure(p.size);
        int count = addThread(p, current, 0, 0, buf, base, start, dataEnd, charSize, nextGeneration());
        int pos = start;
        while (count > 0) {
            steps++;
            int gen = nextGeneration();
            int nextCount = 0;
            boolean canRead = pos + charSize <= limit && (charSize == 1 || buf[pos + 1] == 0);
            int b = canRead ? buf[pos] & 0xFF : 0;
            for (int i = 0; i < count; i++) {
                int pc = current[i];
                if (p.op[pc] == Program.MATCH) {
                    return true;
                }
                if (canRead) {
                    int s = p.arg1[pc] << 2;
                    if ((p.sets[s + (b >>> 6)] & (1L << (b & 63))) != 0) {
                        nextCount = addThread(p, next, nextCount, pc + 1, buf, base, pos + charSize, dataEnd,
                                charSize, gen);
                    }
                }
            }
            int[] t = current;
            current = next;
            next = t;
            count = nextCount;
            pos += charSize;
        }
        return false;
    }

    /**
     * Unanchored search as YARA's {@code matches} does it: a new thread starts at every position below the scan
     * limit, so the expression is looked for in the first {@code limit} bytes only.
     */
    boolean search(Program p, byte[] buf, int limit) {
        ensure(p.size);
        int dataEnd = buf.length;
        int count = addThread(p, current, 0, 0, buf, 0, 0, dataEnd, 1, nextGeneration());
        int pos = 0;
        // threads may all die while later starts are still to come
        while (count > 0 || pos < limit) {
            int gen = nextGeneration();
            int nextCount = 0;
            boolean canRead = pos + 1 <= limit;
            int b = canRead ? buf[pos] & 0xFF : 0;
            for (int i = 0; i < count; i++) {
                int pc = current[i];
                if (p.op[pc] == Program.MATCH) {
                    return true;
                }
                if (canRead) {
                    int s = p.arg1[pc] << 2;
                    if ((p.sets[s + (b >>> 6)] & (1L << (b & 63))) != 0) {
                        nextCount = addThread(p, next, nextCount, pc + 1, buf, 0, pos + 1, dataEnd, 1, gen);
                    }
                }
            }
            pos++;
            if (pos < limit) {
                nextCount = addThread(p, next, nextCount, 0, buf, 0, pos, dataEnd, 1, gen);
            }
            int[] t = current;
            current = next;
            next = t;
            count = nextCount;
        }
        return false;
    }

    // Created when first needed (most strings never need one): one for single-byte runs, and one per start parity
    // for wide runs, whose consecutive starts of the same parity are two bytes apart.
    private StartMemo memo;
    private StartMemo[] wideMemo;
    // the last single-byte run, memo or not
    private byte[] lastBuf;
    private long lastBase;
    private int lastStart = Integer.MIN_VALUE;
    private Program lastProgram;

    /**
     * Same result as {@link #run}, but reuses the previous call's run when that started one character earlier in the
     * same buffer (one byte, or two for wide): once both runs hold the same thread list at a position, the rest is
     * shared.
     */
    int runMemo(Program p, byte[] buf, long base, int start, int limit, int dataEnd) {
        return runMemo(p, buf, base, start, limit, dataEnd, 1);
    }

    int runMemo(Program p, byte[] buf, long base, int start, int limit, int dataEnd, int charSize) {
        ensure(p.size);
        StartMemo m = charSize == 1 ? memo : wideMemo == null ? null : wideMemo[start & 1];
        if (charSize == 1) {
            boolean follows = lastBuf == buf && lastBase == base && lastStart == start - 1 && lastProgram == p;
            lastBuf = buf;
            lastBase = base;
            lastStart = start;
            lastProgram = p;
            // The memo pays off from the second of consecutive starts only: a string verified at isolated starts,
            // one per atom hit, would only fill it (and, with the machine shared by several strings, evict
            // another program's memo for nothing).
            if (!follows && (m == null || m.program != p)) {
                return run(p, buf, base, start, limit, dataEnd, charSize);
            }
        }
        if (m == null) {
            // Wide runs alternate between the two parities, so for them the memos are made at once.
            m = new StartMemo();
            if (charSize == 1) {
                memo = m;
            } else {
                if (wideMemo == null) {
                    wideMemo = new StartMemo[2];
                }
                wideMemo[start & 1] = m;
            }
        }
        if (m.program != p) {
            m.rowsOf(p.positionFree ? p.byteClasses().count : 256);
            m.program = p;
        }
        // The previous run must have read the same data, and not past this run's limit unless it stopped before it
        // (its outcome could be a match this run is not allowed to reach).
        boolean canReuse = m.valid && m.buf == buf && m.base == base && m.prevStart == start - charSize
                && m.prevDataEnd == dataEnd && (m.prevLimit <= limit || m.prevEnd <= limit);
        boolean cacheSteps = p.positionFree;
        byte[] classOf = cacheSteps ? p.byteClasses().of : null;
        int epoch = m.epoch;
        int state;
        boolean matched;
        if (cacheSteps && m.initialEpoch == epoch) {
            // the first threads do not depend on the position either: the same state at every start
            state = m.initial;
            matched = m.match[state];
        } else {
            int count = addThread(p, current, 0, 0, buf, base, start, dataEnd, charSize, nextGeneration());
            int cut = cutAtMatch(p, count);
            matched = cut < count;
            state = m.intern(current, cut, matched);
            if (m.epoch != epoch) {
                canReuse = false;
                epoch = m.epoch;
            }
            if (cacheSteps) {
                m.initial = state;
                m.initialEpoch = epoch;
            }
        }
        int lastMatch = matched ? start : -1;
        int pos = start;
        boolean shared = false;
        while (true) {
            if (canReuse && !shared && pos <= m.prevEnd && m.ring[StartMemo.slot(pos)] == state) {
                // From here on this run is the previous one; take its outcome, then go on where it stopped.
                shared = true;
                if (m.prevLastMatch >= pos) {
                    lastMatch = m.prevLastMatch;
                }
                pos = m.prevEnd;
                state = m.prevEndState;
                if (state == StartMemo.DEAD) {
                    break;
                }
            } else {
                m.ring[StartMemo.slot(pos)] = state;
            }
            int n = m.len[state];
            if (n == 0) {
                state = StartMemo.DEAD;
                break;
            }
            if (pos + charSize > limit || (charSize == 2 && buf[pos + 1] != 0)) {
                break;
            }
            steps++;
            int b = buf[pos] & 0xFF;
            if (cacheSteps) {
                int known = m.step(state, classOf[b] & 0xFF);
                if (known >= 0) {
                    state = known;
                    pos += charSize;
                    if (m.match[state]) {
                        lastMatch = pos;
                    }
                    continue;
                }
            }
            int before = state;
            simulatedSteps++;
            int gen = nextGeneration();
            int nextCount = 0;
            int from = m.start[state];
            for (int i = 0; i < n; i++) {
                int pc = m.pool[from + i];
                int s = p.arg1[pc] << 2;
                if ((p.sets[s + (b >>> 6)] & (1L << (b & 63))) != 0) {
                    nextCount = addThread(p, next, nextCount, pc + 1, buf, base, pos + charSize, dataEnd, charSize,
                            gen);
                }
            }
            int[] t = current;
            current = next;
            next = t;
            int cut = cutAtMatch(p, nextCount);
            matched = cut < nextCount;
            pos += charSize;
            state = m.intern(current, cut, matched);
            if (matched) {
                lastMatch = pos;
            }
            if (m.epoch != epoch) {
                // the state table was cleared under us: ids in the ring are gone
                canReuse = false;
                cacheSteps = false; // and the state before it: this run caches no more steps
            } else if (cacheSteps) {
                m.cacheStep(before, classOf[b] & 0xFF, state);
            }
        }
        m.valid = m.epoch == epoch;
        m.buf = buf;
        m.base = base;
        m.prevStart = start;
        m.prevLimit = limit;
        m.prevDataEnd = dataEnd;
        m.prevEnd = pos;
        m.prevEndState = state;
        m.prevLastMatch = lastMatch;
        return lastMatch >= 0 ? lastMatch - start : -1;
    }

    /**
     * Forgets every earlier run, so that none is taken over: the next scan may bring the same buffer object, at the
     * same offset, with other bytes. Also lets go of the buffer.
     */
    void forgetRuns() {
        lastBuf = null;
        lastStart = Integer.MIN_VALUE;
        lastProgram = null;
        forget(memo);
        if (wideMemo != null) {
            forget(wideMemo[0]);
            forget(wideMemo[1]);
        }
    }

    private static void forget(StartMemo m) {
        if (m != null) {
            m.invalidate();
            m.buf = null;
        }
    }

    /** Drops scratch that grew past what is worth keeping for the next scan. */
    void trim() {
        if (marks.length > MAX_KEPT_PROGRAM) {
            current = new int[16];
            next = new int[16];
            marks = new int[16];
            stack = new int[16];
            generation = 0;
        }
        if (memo != null && memo.oversized()) {
            memo = null;
        }
        if (wideMemo != null) {
            for (int i = 0; i < 2; i++) {
                if (wideMemo[i] != null && wideMemo[i].oversized()) {
                    wideMemo[i] = null;
                }
            }
        }
    }

    private static final int MAX_KEPT_PROGRAM = 1 << 14;

    /** Index of the first MATCH in current[0..count) (threads after it can never win), or count. */
    private int cutAtMatch(Program p, int count) {
        for (int i = 0; i < count; i++) {
            if (p.op[current[i]] == Program.MATCH) {
                return i;
            }
        }
        return count;
    }

    private int nextGeneration() {
        if (++generation == Integer.MAX_VALUE) {
            java.util.Arrays.fill(marks, 0);
            generation = 1;
        }
        return generation;
    }

    /** Adds the closure of {@code pc} at {@code pos} to {@code list} in priority order; returns the new count. */
    private int addThread(Program p, int[] list, int count, int pc, byte[] buf, long base, int pos, int dataEnd,
                          int charSize, int gen) {
        int sp = 0;
        stack[sp++] = pc;
        while (sp > 0) {
            int q = stack[--sp];
            if (marks[q] == gen) {
                continue;
            }
            marks[q] = gen;
            switch (p.op[q]) {
                case Program.JMP -> stack[sp++] = p.arg1[q];
                case Program.SPLIT -> {
                    stack[sp++] = p.arg2[q];
                    stack[sp++] = p.arg1[q];
                }
                case Program.AT_START -> {
                    if (base + pos == 0) {
                        stack[sp++] = q + 1;
                    }
                }
                case Program.AT_END -> {
                    if (pos == dataEnd) {
                        stack[sp++] = q + 1;
                    }
                }
                case Program.WORD_BOUNDARY, Program.NON_WORD_BOUNDARY -> {
                    boolean before = pos - charSize >= 0 && base + pos - charSize >= 0
                            && isWordChar(buf, pos - charSize, charSize);
                    boolean here = pos + charSize <= dataEnd && pos + charSize <= buf.length
                            && isWordChar(buf, pos, charSize);
                    boolean boundary = before != here;
                    if (boundary == (p.op[q] == Program.WORD_BOUNDARY)) {
                        stack[sp++] = q + 1;
                    }
                }
                default -> list[count++] = q;
            }
        }
        return count;
    }

    static boolean isWordChar(byte[] buf, int i, int charSize) {
        int b = buf[i] & 0xFF;
        boolean word = RegexParser.isAlnum(b) || b == '_';
        return charSize == 2 ? word && buf[i + 1] == 0 : word;
    }

    private void ensure(int size) {
        if (marks.length < size) {
            current = new int[size];
            next = new int[size];
            marks = new int[size];
            stack = new int[size * 2 + 2];
        }
    }
}
