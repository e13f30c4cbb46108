package dev.vigil.engine.hash;

/** Sorting of primitive keys with a companion index array, without boxing (signature tables reach millions). */
final class PrimitiveSort {
    private PrimitiveSort() {
    }

    /**
     * Sorts {@code keys} as unsigned 64-bit values, stably, applying the same moves to {@code idx}.
     * LSD radix sort on bytes: each pass reads both arrays in order and scatters to 256 buckets, which stays in the
     * cache where an indirect key lookup per element would not; passes whose byte is the same everywhere are skipped.
     */
    static void sortByUnsignedKey(long[] keys, int[] idx) {
        int n = keys.length;
        long[] keyTmp = new long[n];
        int[] idxTmp = new int[n];
        long[] ks = keys;
        int[] is = idx;
        long[] kd = keyTmp;
        int[] id = idxTmp;
        int[] count = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) ((ks[i] >>> shift) & 0xff) + 1]++;
            }
            if (n == 0 || count[(int) ((ks[0] >>> shift) & 0xff) + 1] == n) {
                continue;
            }
            for (int i = 0; i < 256; i++) {
                count[i + 1] += count[i];
            }
            for (int i = 0; i < n; i++) {
                int d = (int) ((ks[i] >>> shift) & 0xff);
                int to = count[d]++;
                kd[to] = ks[i];
                id[to] = is[i];
            }
            long[] kt = ks;
            ks = kd;
            kd = kt;
            int[] it = is;
            is = id;
            id = it;
        }
        if (ks != keys) {
            System.arraycopy(ks, 0, keys, 0, n);
            System.arraycopy(is, 0, idx, 0, n);
        }
    }
}
