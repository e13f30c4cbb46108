package dev.vigil.daemon;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reusable byte arrays of one size for the buffers every connection needs. Under load, fresh arrays per request live
 * across a young collection (the request is still in flight), get promoted, and make the old generation grow
 * (docs/daemon.md, "Memory"); reused ones are old already and create no garbage. At most {@code capacity} arrays are
 * kept; past that, arrays are allocated and dropped as before. Readers of a reused array only ever see the part they
 * filled themselves (callers track their own lengths).
 */
final class BufferPool {
    private final int size;
    private final ArrayBlockingQueue<byte[]> free;

    BufferPool(int size, int capacity) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(Math.max(1, capacity));
    }

    int size() {
        return size;
    }

    byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[size];
    }

    /** Drops the arrays kept for reuse (when idle: HeapTrimmer), so that a collection can free them. */
    void clear() {
        free.clear();
    }

    /** Arrays kept for reuse now. */
    int kept() {
        return free.size();
    }

    /** Returns an array taken from this pool; the caller must not use it afterwards. */
    void give(byte[] b) {
        if (b != null && b.length == size) {
            free.offer(b);
        }
    }
}
