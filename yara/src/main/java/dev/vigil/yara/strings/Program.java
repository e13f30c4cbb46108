package dev.vigil.yara.strings;

import java.util.Arrays;

/**
 * A pattern compiled to a Thompson NFA: CONSUME accepts one character from a byte set, SPLIT forks with the first
 * target preferred, assertions test the position. Counted repeats are unrolled (bounded by the scan limit, beyond which
 * no match can reach).
 */
final class Program {

    static final byte CONSUME = 0;
    static final byte SPLIT = 1;
    static final byte JMP = 2;
    static final byte AT_START = 3;
    static final byte AT_END = 4;
    static final byte WORD_BOUNDARY = 5;
    static final byte NON_WORD_BOUNDARY = 6;
    static final byte MATCH = 7;

    static final int MAX_INSTRUCTIONS = 1 << 19;

    final byte[] op;
    final int[] arg1;   // CONSUME: set index; SPLIT: preferred target; JMP: target
    final int[] arg2;   // SPLIT: other target
    final long[] sets;  // 4 longs per set
    final int size;
    /** Bytes a match can start with (assertions passed over), or null when a match may be empty. */
    final long[] firstBytes;
    /**
     * Whether no instruction looks at the position (no anchors, no word boundaries): then the threads after a
     * character depend only on the threads before it and the character, and a run may cache its steps.
     */
    final boolean positionFree;

    private Program(byte[] op, int[] arg1, int[] arg2, long[] sets, int size) {
        this.op = op;
        this.arg1 = arg1;
        this.arg2 = arg2;
        this.sets = sets;
        this.size = size;
        this.firstBytes = firstBytes();
        boolean free = true;
        for (int pc = 0; pc < size; pc++) {
            free &= op[pc] == CONSUME || op[pc] == SPLIT || op[pc] == JMP || op[pc] == MATCH;
        }
        this.positionFree = free;
    }

    /**
     * The bytes that no set of this program tells apart, numbered: {@code of[b]} is the class of byte b, {@code count}
     * the number of classes. A run's cached steps ({@link StartMemo}) are rows of one entry per class instead of 256,
     * so that a program with thousands of states over a few classes ({@code [a-z]{1,4096}}: two) caches them all.
     */
    static final class ByteClasses {
        final byte[] of;
        final int count;

        ByteClasses(byte[] of, int count) {
            this.of = of;
            this.count = count;
        }
    }

    /** Made on first use (few programs are run from consecutive starts); a race makes equal objects. */
    private ByteClasses byteClasses;

    ByteClasses byteClasses() {
        ByteClasses c = byteClasses;
        if (c == null) {
            c = computeByteClasses();
            byteClasses = c;
        }
        return c;
    }

    /** Splits the bytes by membership in each set in turn (the program stores each distinct set once). */
    private ByteClasses computeByteClasses() {
        int[] cls = new int[256];
        int count = 1;
        int[] renumber = new int[512];
        int nsets = sets.length / 4;
        for (int s = 0; s < nsets && count < 256; s++) {
            int at = 4 * s;
            Arrays.fill(renumber, 0, 2 * count, -1);
            int next = 0;
            for (int b = 0; b < 256; b++) {
                int key = 2 * cls[b] + (int) ((sets[at + (b >>> 6)] >>> (b & 63)) & 1);
                if (renumber[key] < 0) {
                    renumber[key] = next++;
                }
                cls[b] = renumber[key];
            }
            count = next;
        }
        byte[] of = new byte[256];
        for (int b = 0; b < 256; b++) {
            of[b] = (byte) cls[b];
        }
        return new ByteClasses(of, count);
    }

    /** The first-depth set of {@link #prefixSets}, or null when a match may be empty. */
    private long[] firstBytes() {
        long[] first = prefixSets(1);
        return first.length == 0 ? null : first;
    }

    /**
     * What the first characters of every match are: per depth d, the 256-bit set (4 longs at 4d) the d-th character
     * of any match belongs to, for up to {@code maxDepth} characters and stopping at the first depth where a match may
     * already end. Assertions count as passed (this only over-approximates). Atom-less strings test it at each start.
     */
    long[] prefixSets(int maxDepth) {
        long[] out = new long[4 * maxDepth];
        int depth = 0;
        boolean[] seen = new boolean[size];
        int[] stack = new int[size * 2 + 2];
        int[] frontier = {0};
        int frontierCount = 1;
        int[] next = maxDepth > 1 ? new int[size] : null; // none for the first depth alone (every program's)
        while (depth < maxDepth && frontierCount > 0) {
            java.util.Arrays.fill(seen, false);
            int sp = 0;
            for (int i = 0; i < frontierCount; i++) {
                stack[sp++] = frontier[i];
            }
            int nextCount = 0;
            long[] set = new long[4];
            while (sp > 0) {
                int pc = stack[--sp];
                if (seen[pc]) {
                    continue;
                }
                seen[pc] = true;
                switch (op[pc]) {
                    case CONSUME -> {
                        for (int w = 0; w < 4; w++) {
                            set[w] |= sets[arg1[pc] * 4 + w];
                        }
                        if (next != null) {
                            next[nextCount++] = pc + 1;
                        }
                    }
                    case MATCH -> {
                        return Arrays.copyOf(out, 4 * depth);
                    }
                    case JMP -> stack[sp++] = arg1[pc];
                    case SPLIT -> {
                        stack[sp++] = arg1[pc];
                        stack[sp++] = arg2[pc];
                    }
                    default -> stack[sp++] = pc + 1; // an assertion only narrows what follows
                }
            }
            System.arraycopy(set, 0, out, 4 * depth, 4);
            depth++;
            if (next == null) {
                break;
            }
            frontier = Arrays.copyOf(next, nextCount);
            frontierCount = nextCount;
        }
        return Arrays.copyOf(out, 4 * depth);
    }

    /**
     * @param repeatCap iterations beyond this can never fit in the scan window, so repeats are capped there
     */
    static Program compile(ReNode root, int repeatCap) {
        Builder b = new Builder(repeatCap);
        b.emit(root);
        b.add(MATCH, 0, 0);
        return new Program(Arrays.copyOf(b.op, b.n), Arrays.copyOf(b.a1, b.n), Arrays.copyOf(b.a2, b.n),
                Arrays.copyOf(b.sets, b.nsets * 4), b.n);
    }

    private static final class Builder {
        byte[] op = new byte[64];
        int[] a1 = new int[64];
        int[] a2 = new int[64];
        long[] sets = new long[64];
        /** Open-addressing table of the sets so far: index + 1 per slot, 0 for a free slot. */
        int[] setIndex = new int[32];
        int n;
        int nsets;
        final int repeatCap;

        Builder(int repeatCap) {
            this.repeatCap = repeatCap;
        }

        int add(byte o, int x, int y) {
            if (n == MAX_INSTRUCTIONS) {
                throw new StringCompileException("regular expression is too large");
            }
            if (n == op.length) {
                op = Arrays.copyOf(op, n * 2);
                a1 = Arrays.copyOf(a1, n * 2);
                a2 = Arrays.copyOf(a2, n * 2);
            }
            op[n] = o;
            a1[n] = x;
            a2[n] = y;
            return n++;
        }

        /**
         * The index of set {@code s}, added if new. Equal sets share one index: a counted repeat of a class
         * ({@code [a-z]{1,64}}) unrolls into one CONSUME per count, and signature-base's regexes hold 272,000 sets
         * of which 16,000 differ.
         */
        int set(long[] s) {
            int mask = setIndex.length - 1;
            int slot = setHash(s, 0) & mask;
            for (int k; (k = setIndex[slot]) != 0; slot = (slot + 1) & mask) {
                int at = (k - 1) * 4;
                if (sets[at] == s[0] && sets[at + 1] == s[1] && sets[at + 2] == s[2] && sets[at + 3] == s[3]) {
                    return k - 1;
                }
            }
            if ((nsets + 1) * 4 > sets.length) {
                sets = Arrays.copyOf(sets, sets.length * 2);
            }
            System.arraycopy(s, 0, sets, nsets * 4, 4);
            setIndex[slot] = ++nsets;
            if (nsets * 2 > setIndex.length) {
                rehash();
            }
            return nsets - 1;
        }

        /** Hash of the set of four longs at {@code at} in {@code a}. */
        private static int setHash(long[] a, int at) {
            long h = a[at] * 0x9E3779B97F4A7C15L + a[at + 1];
            h = h * 0x9E3779B97F4A7C15L + a[at + 2];
            h = h * 0x9E3779B97F4A7C15L + a[at + 3];
            h *= 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32);
        }

        private void rehash() {
            int[] bigger = new int[setIndex.length * 2];
            int mask = bigger.length - 1;
            for (int i = 0; i < nsets; i++) {
                int slot = setHash(sets, i * 4) & mask;
                while (bigger[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                bigger[slot] = i + 1;
            }
            setIndex = bigger;
        }

        void emit(ReNode node) {
            switch (node.type) {
                case BYTES -> add(CONSUME, set(node.set), 0);
                case ASSERT_START -> add(AT_START, 0, 0);
                case ASSERT_END -> add(AT_END, 0, 0);
                case WORD_BOUNDARY -> add(WORD_BOUNDARY, 0, 0);
                case NON_WORD_BOUNDARY -> add(NON_WORD_BOUNDARY, 0, 0);
                case EMPTY -> {
                }
                case CONCAT -> {
                    for (ReNode c : node.children) {
                        emit(c);
                    }
                }
                case ALT -> {
                    int split = add(SPLIT, 0, 0);
                    a1[split] = n;
                    emit(node.children.get(0));
                    int jmp = add(JMP, 0, 0);
                    a2[split] = n;
                    emit(node.children.get(1));
                    a1[jmp] = n;
                }
                case REPEAT -> emitRepeat(node);
            }
        }

        private void emitRepeat(ReNode node) {
            ReNode child = node.children.get(0);
            int min = Math.min(node.min, repeatCap);
            for (int i = 0; i < min; i++) {
                emit(child);
            }
            if (node.max == Integer.MAX_VALUE || node.max > repeatCap) {
                if (node.max == Integer.MAX_VALUE || node.min < repeatCap) {
                    // loop: L: SPLIT(body, out); body; JMP L
                    int split = add(SPLIT, 0, 0);
                    emit(child);
                    add(JMP, split, 0);
                    preferOrder(split, split + 1, n, node.greedy);
                }
                return;
            }
            int optional = node.max - min;
            int[] splits = new int[optional];
            for (int i = 0; i < optional; i++) {
                splits[i] = add(SPLIT, 0, 0);
                emit(child);
            }
            for (int s : splits) {
                preferOrder(s, s + 1, n, node.greedy);
            }
        }

        private void preferOrder(int split, int body, int out, boolean greedy) {
            a1[split] = greedy ? body : out;
            a2[split] = greedy ? out : body;
        }
    }
}
