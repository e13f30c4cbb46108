package dev.vigil.clamav.ldb;

import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.io.ScanInput;

/** An evaluation context over a byte array with given subsignature counts and last-match offsets. */
record TestContext(byte[] data, int[] counts, long[][] offsets) implements EvaluationContext {
    @Override
    public ScanInput input() {
        return ScanInput.of(data);
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public ExecutableInfo executable() {
        return null;
    }

    @Override
    public int matchCount(int index) {
        return counts[index];
    }

    @Override
    public long[] matchOffsets(int index) {
        return offsets[index];
    }
}
