package dev.vigil.clamav.ldb;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A window of the scanned data as ISO-8859-1 characters for java.util.regex, read through a block cache, that
 * counts character reads and aborts with {@link WorkLimitExceeded} past a budget. Java's backtracking matcher has
 * no match limit of its own; this plays the part of PCRE2's match limit (a hostile file must not hang a scan).
 */
final class BoundedInput implements CharSequence {
    private static final int BLOCK = 64 * 1024;

    /** Thrown from charAt when the work budget is spent. */
    static final class WorkLimitExceeded extends RuntimeException {
        WorkLimitExceeded() {
            super("regex work limit exceeded", null, false, false);
        }
    }

    private final ScanInput input;
    private final long base;
    private final int length;
    private final byte[] block;
    private long blockStart = -1;
    private int blockLength;
    private long budget;

    BoundedInput(ScanInput input, long base, int length, long budget) {
        this.input = input;
        this.base = base;
        this.length = length;
        this.block = new byte[Math.min(BLOCK, Math.max(length, 1))];
        this.budget = budget;
    }

    void resetBudget(long budget) {
        this.budget = budget;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--budget < 0) {
            throw new WorkLimitExceeded();
        }
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        long abs = base + index;
        if (abs < blockStart || abs >= blockStart + blockLength) {
            load(abs);
        }
        return (char) (block[(int) (abs - blockStart)] & 0xff);
    }

    private void load(long abs) {
        long end = base + length;
        int want = (int) Math.min(block.length, end - abs);
        try {
            int n = 0;
            while (n < want) {
                int r = input.read(abs + n, block, n, want - n);
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            if (n <= 0) {
                throw new IOException("data shorter than announced");
            }
            blockStart = abs;
            blockLength = n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            sb.append(charAt(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return subSequence(0, length).toString();
    }
}
