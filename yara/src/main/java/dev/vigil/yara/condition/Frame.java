package dev.vigil.yara.condition;

import dev.vigil.yara.modules.StructValue;

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
    final byte[] readBuffer = new byte[4];
    private int ticks;

    Frame(ScanContext ctx, long deadline, int rules, int moduleCount) {
        this.ctx = ctx;
        this.deadline = deadline;
        this.ruleResults = new byte[rules];
        this.modules = new StructValue[moduleCount];
        this.modulesLoaded = new boolean[moduleCount];
    }

    /** Called once per loop iteration; checks the clock every 1024 calls. */
    void tick() {
        if ((++ticks & 1023) == 0 && System.nanoTime() - deadline > 0) {
            throw new ConditionTimeoutException("condition evaluation exceeded its time limit");
        }
    }
}
