package dev.vigil.engine.hash;

import dev.vigil.engine.ir.HashAlgorithm;

import java.util.Arrays;

/**
 * Hash signatures of one algorithm and scope, held in sorted primitive arrays: for millions of entries this costs
 * the digest bytes plus 12 bytes of key and name reference each, and no object per signature.
 * Entries are sorted by (size, digest); a lookup is a binary search on a 64-bit key of size and digest prefix,
 * then a comparison of the few entries that share it.
 */
public final class HashTable {
    private final HashAlgorithm algorithm;
    private final int digestLength;
    private final long[] keys;      // sorted: size << 32 | first 4 digest bytes
    private final byte[] digests;   // digestLength bytes per entry, same order as keys
    private final int[] names;      // index into the builder's name table
    private final long[] sizes;     // distinct sizes present (sorted), for the "is this size worth hashing" check
    private final boolean anySize;

    private HashTable(HashAlgorithm algorithm, long[] keys, byte[] digests, int[] names, boolean anySize) {
        this.algorithm = algorithm;
        this.digestLength = algorithm.length();
        this.keys = keys;
        this.digests = digests;
        this.names = names;
        this.anySize = anySize;
        long[] s = new long[keys.length];
        int n = 0;
        for (long k : keys) {
            long size = k >>> 32;
            if (n == 0 || s[n - 1] != size) {
                s[n++] = size;
            }
        }
        this.sizes = Arrays.copyOf(s, n);
    }

    public HashAlgorithm algorithm() {
        return algorithm;
    }

    public int size() {
        return names.length;
    }

    /** True if some entry could match data of this many bytes (so the data is worth hashing). */
    public boolean covers(long size) {
        return anySize || Arrays.binarySearch(sizes, toKeySize(size)) >= 0;
    }

    /** All name indexes of entries matching this digest and size (exact-size ones first). */
    public int[] findAll(byte[] digest, long size) {
        int[] a = collect(digest, toKeySize(size));
        if (!anySize) {
            return a;
        }
        int[] b = collect(digest, ANY_KEY_SIZE);
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private int[] collect(byte[] digest, long keySize) {
        long key = key(keySize, digest, 0);
        int i = lowerBound(key);
        int[] out = new int[0];
        for (; i < keys.length && keys[i] == key; i++) {
            if (Arrays.equals(digests, i * digestLength, (i + 1) * digestLength, digest, 0, digestLength)) {
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = names[i];
            }
        }
        return out;
    }

    private int lowerBound(long key) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(keys[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Sizes are stored in 32 bits; the all-ones value stands for "any size" (ClamAV rejects sizes >= 2^32 - 1). */
    private static final long ANY_KEY_SIZE = 0xFFFF_FFFFL;

    private static long toKeySize(long size) {
        return size < 0 || size >= ANY_KEY_SIZE ? ANY_KEY_SIZE - 1 : size;
    }

    private static long key(long keySize, byte[] d, int off) {
        long prefix = ((d[off] & 0xffL) << 24) | ((d[off + 1] & 0xffL) << 16) | ((d[off + 2] & 0xffL) << 8) | (d[off + 3] & 0xffL);
        return (keySize << 32) | prefix;
    }

    /** Accumulates entries in growable primitive arrays, then sorts them once. */
    public static final class Builder {
        private final HashAlgorithm algorithm;
        private final int len;
        private long[] keys = new long[16];
        private byte[] digests;
        private int[] names = new int[16];
        private int n;
        private boolean anySize;

        public Builder(HashAlgorithm algorithm) {
            this.algorithm = algorithm;
            this.len = algorithm.length();
            this.digests = new byte[16 * len];
        }

        /** Adds an entry; {@code size < 0} means any size. */
        public void add(byte[] digest, long size, int name) {
            if (n == names.length) {
                int cap = n + (n >> 1); // 1.5x keeps the transient copy small for millions of entries
                keys = Arrays.copyOf(keys, cap);
                names = Arrays.copyOf(names, cap);
                digests = Arrays.copyOf(digests, cap * len);
            }
            long ks = size < 0 ? ANY_KEY_SIZE : toKeySize(size);
            anySize |= ks == ANY_KEY_SIZE;
            keys[n] = key(ks, digest, 0);
            System.arraycopy(digest, 0, digests, n * len, len);
            names[n] = name;
            n++;
        }

        public boolean isEmpty() {
            return n == 0;
        }

        public HashTable build() {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            PrimitiveSort.sortIndexesByUnsignedKey(order, keys);
            long[] k = new long[n];
            byte[] d = new byte[n * len];
            int[] nm = new int[n];
            for (int i = 0; i < n; i++) {
                int j = order[i];
                k[i] = keys[j];
                System.arraycopy(digests, j * len, d, i * len, len);
                nm[i] = names[j];
            }
            keys = null;
            digests = null;
            names = null;
            return new HashTable(algorithm, k, d, nm, anySize);
        }
    }
}
