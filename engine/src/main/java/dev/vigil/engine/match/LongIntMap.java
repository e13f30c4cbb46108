package dev.vigil.engine.match;

/**
 * Counters keyed by non-zero longs, in open addressing over two primitive arrays (compile time: hundreds of
 * thousands of atom keys, where boxed map entries would cost more than the counts).
 */
final class LongIntMap {
    private long[] keys;
    private int[] counts;
    private int size;

    LongIntMap(int expected) {
        int cap = 16;
        while (cap < expected * 2L) {
            cap <<= 1;
        }
        keys = new long[cap];
        counts = new int[cap];
    }

    /** The count of {@code key}, 0 if never added. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int s = slot(key, mask); ; s = (s + 1) & mask) {
            long k = keys[s];
            if (k == key) {
                return counts[s];
            }
            if (k == 0) {
                return 0;
            }
        }
    }

    /** Adds {@code delta} to the count of {@code key} (which must not be 0). */
    void add(long key, int delta) {
        int mask = keys.length - 1;
        int s = slot(key, mask);
        while (keys[s] != 0 && keys[s] != key) {
            s = (s + 1) & mask;
        }
        if (keys[s] == 0) {
            keys[s] = key;
            if (++size * 2 > keys.length) {
                counts[s] += delta;
                grow();
                return;
            }
        }
        counts[s] += delta;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int s = slot(oldKeys[i], mask);
                while (keys[s] != 0) {
                    s = (s + 1) & mask;
                }
                keys[s] = oldKeys[i];
                counts[s] = oldCounts[i];
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
