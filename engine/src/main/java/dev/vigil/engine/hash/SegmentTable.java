package dev.vigil.engine.hash;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.ir.HashAlgorithm;

import java.io.IOException;
import java.util.Arrays;

/**
 * Hash signatures of one algorithm and scope from one {@link HashSegment}, held in sorted primitive arrays: for millions of entries this costs
 * the digest bytes plus 12 bytes of key and name reference each, and no object per signature.
 * Entries are sorted by (size, digest); a lookup is a binary search on a 64-bit key of size and digest prefix,
 * then a comparison of the few entries that share it.
 */
final class SegmentTable {
    private final HashAlgorithm algorithm;
    private final int digestLength;
    private final long[] keys;      // sorted: size << 32 | first 4 digest bytes
    private final byte[] digests;   // digestLength bytes per entry, same order as keys
    private final int[] names;      // index into the builder's name table
    private final long[] sizes;     // distinct sizes present (sorted), for the "is this size worth hashing" check
    private final boolean anySize;

    private SegmentTable(HashAlgorithm algorithm, long[] keys, byte[] digests, int[] names, boolean anySize) {
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

    void writeTo(ImageOutput out) throws IOException {
        out.writeInt(algorithm.ordinal());
        out.writeLongs(keys);
        out.writeBytes(digests);
        out.writeInts(names);
        out.writeBoolean(anySize);
    }

    /** Reads a table written by {@link #writeTo}; every name index must be below {@code nameCount}. */
    static SegmentTable readFrom(ImageInput in, int nameCount) throws IOException {
        int a = in.readInt();
        if (a < 0 || a >= HashAlgorithm.values().length) {
            throw new ImageFormatException("engine image is corrupt: hash algorithm " + a);
        }
        HashAlgorithm algorithm = HashAlgorithm.values()[a];
        long[] keys = in.readLongs();
        byte[] digests = in.readBytes();
        int[] names = in.readInts();
        boolean anySize = in.readBoolean();
        if (keys == null || digests == null || names == null || names.length != keys.length
                || digests.length != (long) keys.length * algorithm.length()) {
            throw new ImageFormatException("engine image is corrupt: hash table shape");
        }
        for (int i = 0; i < keys.length; i++) {
            if (i > 0 && Long.compareUnsigned(keys[i - 1], keys[i]) > 0) {
                throw new ImageFormatException("engine image is corrupt: hash table not sorted");
            }
            if (names[i] < 0 || names[i] >= nameCount) {
                throw new ImageFormatException("engine image is corrupt: hash name index");
            }
        }
        return new SegmentTable(algorithm, keys, digests, names, anySize);
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

    boolean hasAnySize() {
        return anySize;
    }

    /**
     * The name indexes of the entries matching this digest with exactly this size ({@code anySizeEntries} false) or
     * with any size, in the order they were added (the sort is stable).
     */
    int[] collect(byte[] digest, long size, boolean anySizeEntries) {
        long key = key(anySizeEntries ? ANY_KEY_SIZE : toKeySize(size), digest, 0);
        int[] out = NONE;
        for (int i = lowerBound(key); i < keys.length && keys[i] == key; i++) {
            if (Arrays.equals(digests, i * digestLength, (i + 1) * digestLength, digest, 0, digestLength)) {
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = names[i];
            }
        }
        return out;
    }

    private static final int[] NONE = new int[0];

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

    /**
     * Accumulates entries in fixed-size blocks of primitive arrays (no copying as they grow), then sorts them once
     * into the table's exact-size arrays.
     */
    public static final class Builder {
        private static final int BLOCK_BITS = 14;
        private static final int BLOCK_SIZE = 1 << BLOCK_BITS;

        private final HashAlgorithm algorithm;
        private final int len;
        private long[][] keyBlocks = new long[4][];
        private byte[][] digestBlocks = new byte[4][];
        private int[][] nameBlocks = new int[4][];
        private int n;
        private boolean anySize;

        public Builder(HashAlgorithm algorithm) {
            this.algorithm = algorithm;
            this.len = algorithm.length();
        }

        /** Adds an entry; {@code size < 0} means any size. */
        public void add(byte[] digest, long size, int name) {
            add(digest, 0, size, name);
        }

        /** Adds an entry whose digest is {@code digest[offset .. offset + algorithm length)}. */
        public void add(byte[] digest, int offset, long size, int name) {
            int block = n >>> BLOCK_BITS;
            int i = n & (BLOCK_SIZE - 1);
            if (i == 0) {
                if (block == keyBlocks.length) {
                    keyBlocks = Arrays.copyOf(keyBlocks, block * 2);
                    digestBlocks = Arrays.copyOf(digestBlocks, block * 2);
                    nameBlocks = Arrays.copyOf(nameBlocks, block * 2);
                }
                keyBlocks[block] = new long[BLOCK_SIZE];
                digestBlocks[block] = new byte[BLOCK_SIZE * len];
                nameBlocks[block] = new int[BLOCK_SIZE];
            }
            long ks = size < 0 ? ANY_KEY_SIZE : toKeySize(size);
            anySize |= ks == ANY_KEY_SIZE;
            keyBlocks[block][i] = key(ks, digest, offset);
            System.arraycopy(digest, offset, digestBlocks[block], i * len, len);
            nameBlocks[block][i] = name;
            n++;
        }

        public boolean isEmpty() {
            return n == 0;
        }

        public SegmentTable build() {
            long[] k = new long[n];
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                k[i] = keyBlocks[i >>> BLOCK_BITS][i & (BLOCK_SIZE - 1)];
                order[i] = i;
            }
            PrimitiveSort.sortByUnsignedKey(k, order);
            byte[] d = new byte[n * len];
            int[] nm = new int[n];
            for (int i = 0; i < n; i++) {
                int j = order[i];
                int block = j >>> BLOCK_BITS;
                int at = j & (BLOCK_SIZE - 1);
                System.arraycopy(digestBlocks[block], at * len, d, i * len, len);
                nm[i] = nameBlocks[block][at];
            }
            keyBlocks = null;
            digestBlocks = null;
            nameBlocks = null;
            return new SegmentTable(algorithm, k, d, nm, anySize);
        }
    }
}
