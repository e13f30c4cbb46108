package dev.vigil.engine.match;

import java.util.function.IntConsumer;

/**
 * A map from small non-negative ints to fixed-size long arrays, created on first use. A scan touches few of the
 * engine's patterns, so per-scan state lives here rather than in arrays as long as the whole database.
 */
final class SparseLongs {
    private final int width;
    private int[] keys = new int[16];
    private long[][] values = new long[16][];
    private int size;

    SparseLongs(int width) {
        this.width = width;
    }

    long[] get(int key) {
        int mask = keys.length - 1;
        int s = slot(key, mask);
        while (values[s] != null) {
            if (keys[s] == key) {
                return values[s];
            }
            s = (s + 1) & mask;
        }
        return null;
    }

    boolean contains(int key) {
        return get(key) != null;
    }

    /** Creates a zeroed entry for a key known to be absent. */
    long[] create(int key) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int s = slot(key, mask);
        while (values[s] != null) {
            s = (s + 1) & mask;
        }
        keys[s] = key;
        long[] v = new long[width];
        values[s] = v;
        size++;
        return v;
    }

    void clear() {
        if (size > 0) {
            java.util.Arrays.fill(keys, 0);
            java.util.Arrays.fill(values, null);
            size = 0;
        }
    }

    void forEachKey(IntConsumer action) {
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                action.accept(keys[i]);
            }
        }
    }

    private void grow() {
        int[] oldKeys = keys;
        long[][] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new long[oldKeys.length * 2][];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                int s = slot(oldKeys[i], mask);
                while (values[s] != null) {
                    s = (s + 1) & mask;
                }
                keys[s] = oldKeys[i];
                values[s] = oldValues[i];
            }
        }
    }

    private static int slot(int key, int mask) {
        int h = key * 0x9E3779B1;
        return (h ^ (h >>> 16)) & mask;
    }
}
