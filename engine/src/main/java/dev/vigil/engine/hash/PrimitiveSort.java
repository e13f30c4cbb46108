package dev.vigil.engine.hash;

/** Sorting of index arrays by primitive keys without boxing (signature tables reach millions of entries). */
final class PrimitiveSort {
    private PrimitiveSort() {
    }

    /** Sorts {@code idx} so that {@code keys[idx[i]]} ascends as unsigned 64-bit values. */
    static void sortIndexesByUnsignedKey(int[] idx, long[] keys) {
        // LSD radix sort on 16-bit digits: linear time, one temporary array.
        int n = idx.length;
        int[] tmp = new int[n];
        int[] src = idx;
        int[] dst = tmp;
        for (int shift = 0; shift < 64; shift += 16) {
            int[] count = new int[65537];
            boolean allSame = true;
            long firstDigit = n == 0 ? 0 : (keys[src[0]] >>> shift) & 0xffff;
            for (int i = 0; i < n; i++) {
                int d = (int) ((keys[src[i]] >>> shift) & 0xffff);
                count[d + 1]++;
                allSame &= d == firstDigit;
            }
            if (allSame) {
                continue;
            }
            for (int i = 0; i < 65536; i++) {
                count[i + 1] += count[i];
            }
            for (int i = 0; i < n; i++) {
                int d = (int) ((keys[src[i]] >>> shift) & 0xffff);
                dst[count[d]++] = src[i];
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != idx) {
            System.arraycopy(src, 0, idx, 0, n);
        }
    }
}
