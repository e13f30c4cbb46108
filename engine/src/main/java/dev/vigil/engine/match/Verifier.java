package dev.vigil.engine.match;

import java.util.Arrays;

/**
 * Runs {@link PartProgram}s against the scan window. One instance per scan: it owns the NFA's scratch arrays, so
 * verification allocates nothing per candidate.
 */
final class Verifier {
    private int[] current = new int[64];
    private int[] next = new int[64];
    private int[] stack = new int[64];
    private int[] seen = new int[64];
    private int generation = 1;

    /** End offsets (exclusive, absolute) of the last run, ascending. */
    long[] ends = new long[16];
    int endCount;

    private byte[] buf;
    private long base;
    private int limit;     // valid bytes in buf
    private long size;     // total data size

    void window(byte[] buf, long base, int limit, long size) {
        this.buf = buf;
        this.base = base;
        this.limit = limit;
        this.size = size;
    }

    /** Matches {@code p} at absolute offset {@code start}; returns the number of distinct end offsets found. */
    int run(PartProgram p, long start) {
        endCount = 0;
        long rel = start - base;
        if (rel < 0 || rel > limit) {
            return 0;
        }
        int off = (int) rel;
        if (p.straight != null) {
            byte[] bytes = p.straight;
            int n = bytes.length;
            if (off + n > limit) {
                return 0;
            }
            char[] code = p.codes;
            if (code == null) {
                if (Arrays.mismatch(buf, off, off + n, bytes, 0, n) >= 0) {
                    return 0;
                }
            } else {
                long[] sets = p.sets;
                for (int i = 0; i < n; i++) {
                    int b = buf[off + i] & 0xff;
                    int c = code[i];
                    if (c < 256) {
                        if (b != c) {
                            return 0;
                        }
                    } else if (c != PartProgram.ANY_CODE) {
                        int si = (c - PartProgram.SET_BASE) << 2;
                        if ((sets[si + (b >>> 6)] & (1L << (b & 63))) == 0) {
                            return 0;
                        }
                    }
                }
            }
            addEnd(start + n);
            return endCount;
        }
        return runNfa(p, off);
    }

    private int runNfa(PartProgram p, int off) {
        int count = p.instructionCount();
        if (seen.length < count) {
            int cap = Math.max(count, seen.length * 2);
            seen = new int[cap];
            current = new int[cap];
            next = new int[cap];
            stack = new int[Math.max(cap * 2, 64)];
            generation = 1;
        }
        int[] prog = p.prog;
        int nCur = addClosure(p, 0, off, current, 0);
        int pos = off;
        while (nCur > 0) {
            // A thread at MATCH means the part ends here.
            for (int i = 0; i < nCur; i++) {
                if (prog[current[i] * 3] == PartProgram.OP_MATCH) {
                    addEnd(base + pos);
                    break;
                }
            }
            if (pos >= limit) {
                break;
            }
            int b = buf[pos] & 0xff;
            bumpGeneration();
            int nNext = 0;
            for (int i = 0; i < nCur; i++) {
                int pc = current[i];
                if (prog[pc * 3] == PartProgram.OP_SET && inSet(p.sets, prog[pc * 3 + 1], b)) {
                    nNext = addClosure(p, pc + 1, pos + 1, next, nNext);
                }
            }
            int[] t = current;
            current = next;
            next = t;
            nCur = nNext;
            pos++;
        }
        return endCount;
    }

    private void bumpGeneration() {
        if (++generation == Integer.MAX_VALUE) {
            Arrays.fill(seen, 0);
            generation = 1;
        }
    }

    /** Adds the threads reachable from {@code pc} without consuming input, at buffer offset {@code at}. */
    private int addClosure(PartProgram p, int pc0, int at, int[] list, int n) {
        int[] prog = p.prog;
        int sp = 0;
        if (n == 0) {
            bumpGeneration();
        }
        stack[sp++] = pc0;
        while (sp > 0) {
            int pc = stack[--sp];
            if (seen[pc] == generation) {
                continue;
            }
            seen[pc] = generation;
            int op = prog[pc * 3];
            int a = prog[pc * 3 + 1];
            int b = prog[pc * 3 + 2];
            switch (op) {
                case PartProgram.OP_JMP -> stack = push(stack, sp++, a);
                case PartProgram.OP_SPLIT -> {
                    // Push b first so that a is explored first (order does not change the set of ends).
                    stack = push(stack, sp++, b);
                    stack = push(stack, sp++, a);
                }
                case PartProgram.OP_BEHIND -> {
                    if (behindOk(p.sets, a, b, at)) {
                        stack = push(stack, sp++, pc + 1);
                    }
                }
                case PartProgram.OP_AHEAD -> {
                    if (aheadOk(p.sets, a, b, at)) {
                        stack = push(stack, sp++, pc + 1);
                    }
                }
                case PartProgram.OP_BEHIND_AT -> {
                    if (behindAtOk(p.sets, a, p.aux[b], p.aux[b + 1], at)) {
                        stack = push(stack, sp++, pc + 1);
                    }
                }
                case PartProgram.OP_AHEAD_AT -> {
                    if (aheadAtOk(p.sets, a, p.aux[b], p.aux[b + 1], at)) {
                        stack = push(stack, sp++, pc + 1);
                    }
                }
                case PartProgram.OP_NOTANY -> {
                    if (noneMatches(p, a, at)) {
                        stack = push(stack, sp++, pc + 1);
                    }
                }
                default -> list[n++] = pc; // OP_SET, OP_MATCH: threads that wait for input or report
            }
        }
        return n;
    }

    private static int[] push(int[] stack, int sp, int v) {
        int[] s = stack;
        if (sp >= s.length) {
            s = Arrays.copyOf(s, s.length * 2);
        }
        s[sp] = v;
        return s;
    }

    private boolean behindOk(long[] sets, int set, int edgeOk, int at) {
        if (base + at == 0) {
            return edgeOk != 0;
        }
        if (at == 0) {
            return false; // the byte before lies outside the window; windows keep enough history for this
        }
        return inSet(sets, set, buf[at - 1] & 0xff);
    }

    private boolean aheadOk(long[] sets, int set, int flags, int at) {
        if (base + at >= size) {
            return (flags & 1) != 0;
        }
        if (at >= limit) {
            return false;
        }
        int b = buf[at] & 0xff;
        if (inSet(sets, set, b)) {
            return true;
        }
        return (flags & 2) != 0 && b == '\r' && at + 1 < limit && buf[at + 1] == '\n';
    }

    /** Some byte {@code min..max} bytes before the byte before {@code at} is in the set (none before the data). */
    private boolean behindAtOk(long[] sets, int set, int min, int max, int at) {
        // windows keep enough history, so a byte before the window is one before the data
        for (long i = at - 1L - min; i >= at - 1L - max && i >= 0; i--) {
            if (inSet(sets, set, buf[(int) i] & 0xff)) {
                return true;
            }
        }
        return false;
    }

    /** Some byte {@code min..max} bytes after the byte after {@code at} is in the set (none past the data). */
    private boolean aheadAtOk(long[] sets, int set, int min, int max, int at) {
        for (long i = (long) at + min; i <= (long) at + max && i < limit && base + i < size; i++) {
            if (inSet(sets, set, buf[(int) i] & 0xff)) {
                return true;
            }
        }
        return false;
    }

    private boolean noneMatches(PartProgram p, int auxAt, int at) {
        int[] aux = p.aux;
        int count = aux[auxAt];
        int len = aux[auxAt + 1];
        if (at + len > limit) {
            return false;
        }
        for (int alt = 0; alt < count; alt++) {
            int base0 = auxAt + 2 + alt * len;
            boolean all = true;
            for (int i = 0; i < len && all; i++) {
                all = inSet(p.sets, aux[base0 + i], buf[at + i] & 0xff);
            }
            if (all) {
                return false;
            }
        }
        return true;
    }

    private static boolean inSet(long[] sets, int set, int b) {
        return (sets[(set << 2) + (b >>> 6)] & (1L << (b & 63))) != 0;
    }

    private void addEnd(long end) {
        if (endCount > 0 && ends[endCount - 1] == end) {
            return;
        }
        if (endCount == ends.length) {
            ends = Arrays.copyOf(ends, ends.length * 2);
        }
        ends[endCount++] = end;
    }
}
