package dev.vigil.yara.condition;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.StructValue;

import java.io.IOException;

/** Mutable state of one evaluation of a rule set: loop variables, rule results, module cache, deadline. */
final class Frame {
    /** Loop nesting ≤ 4 and ≤ 2 variables each. */
    static final int SLOTS = 8;

    final ScanContext ctx;
    final long deadline;
    final long[] ints = new long[SLOTS];
    final Object[] objects = new Object[SLOTS];
    /** Global string index of the current for-of string, -1 outside. */
    int currentString = -1;
    /** Results of rules evaluated so far (1/0). */
    final byte[] ruleResults;
    final StructValue[] modules;
    final boolean[] modulesLoaded;
    private int ticks;

    /**
     * The block of input that the last integer read ({@code uint32(0x3c)}) came from. A rule set's conditions read
     * the same few header bytes again and again (signature-base has 3,780 {@code uint16(0)}), and from a file each
     * read was a system call: 5 % of the CPU of a command-line signature-base scan over 134 MB.
     */
    private byte[] block;
    private ScanInput blockInput;
    private long blockStart;
    private int blockLength;
    static final int BLOCK = 4096;

    Frame(ScanContext ctx, long deadline, int rules, int moduleCount) {
        this.ctx = ctx;
        this.deadline = deadline;
        this.ruleResults = new byte[rules];
        this.modules = new StructValue[moduleCount];
        this.modulesLoaded = new boolean[moduleCount];
    }

    /**
     * The unsigned integer of {@code size} bytes (1 to 4) at {@code at}, little- or big-endian; -1 where the input
     * ends before them.
     */
    long unsignedAt(long at, int size, boolean bigEndian) throws IOException {
        ScanInput in = ctx.input();
        if (in != blockInput || at < blockStart || at + size > blockStart + blockLength) {
            if (block == null) {
                block = new byte[BLOCK];
            }
            long start = at & -BLOCK;
            if (at + size > start + BLOCK) {
                start = at; // the integer crosses a block boundary: this block starts with it
            }
            blockInput = null; // a failed read leaves no block behind
            blockLength = in.readFully(start, block, 0, BLOCK);
            blockStart = start;
            blockInput = in;
            if (at + size > blockStart + blockLength) {
                return -1;
            }
        }
        int from = (int) (at - blockStart);
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = v << 8 | (block[from + (bigEndian ? i : size - 1 - i)] & 0xff);
        }
        return v;
    }

    /** Called once per loop iteration; checks the clock every 1024 calls. */
    void tick() {
        if ((++ticks & 1023) == 0 && System.nanoTime() - deadline > 0) {
            throw new ConditionTimeoutException("condition evaluation exceeded its time limit");
        }
    }
}
