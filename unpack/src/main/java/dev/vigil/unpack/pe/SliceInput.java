package dev.vigil.unpack.pe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/** A window {@code [start, start + length)} of another {@link ScanInput}, addressed from 0. */
public final class SliceInput implements ScanInput {
    private final ScanInput base;
    private final long start;
    private final long length;

    public SliceInput(ScanInput base, long start, long length) {
        if (start < 0 || length < 0 || start > base.size() || length > base.size() - start) {
            throw new IllegalArgumentException("slice outside its input");
        }
        this.base = base;
        this.start = start;
        this.length = length;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int read(long position, byte[] dst, int offset, int len) throws IOException {
        if (position < 0 || position >= length) {
            return 0;
        }
        return base.read(start + position, dst, offset, (int) Math.min(len, length - position));
    }
}
