package dev.vigil.engine.normalize;

import java.util.Arrays;

/**
 * A capped, growable byte sink that also tracks how full ClamAV's 8 KiB write-behind buffer would be, because ClamAV
 * can only "un-write" the last byte while it is still in that buffer.
 */
final class OutputBuffer {
    private static final int CLAMAV_BUFFER = 8192;

    private byte[] data = new byte[256];
    private int length;
    private final int cap;
    private boolean truncated;
    /** Bytes ClamAV would hold in its unflushed buffer; it can only rewind those. */
    private int pending;

    OutputBuffer(int cap) {
        this.cap = cap;
    }

    void put(int c) {
        if (pending == CLAMAV_BUFFER) {
            pending = 0;
        }
        pending++;
        append((byte) c);
    }

    void put(byte[] src, int off, int len) {
        if (pending + len >= CLAMAV_BUFFER) {
            pending = 0;
        }
        if (len < CLAMAV_BUFFER) {
            pending += len;
        }
        for (int i = 0; i < len; i++) {
            append(src[off + i]);
        }
    }

    /** Drops the last byte if ClamAV still could (it was not yet flushed). */
    void unputLast() {
        if (pending > 0) {
            pending--;
            if (length > 0 && !truncated) {
                length--;
            }
        }
    }

    private void append(byte b) {
        if (length >= cap) {
            truncated = true;
            return;
        }
        if (length == data.length) {
            data = Arrays.copyOf(data, (int) Math.min(cap, Math.max(16L, 2L * data.length)));
        }
        data[length++] = b;
    }

    boolean truncated() {
        return truncated;
    }

    byte[] toArray() {
        return Arrays.copyOf(data, length);
    }
}
