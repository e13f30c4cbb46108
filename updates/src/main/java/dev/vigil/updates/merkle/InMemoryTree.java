package dev.vigil.updates.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only tree in memory keeping every complete-subtree hash, level by level, in growing byte arrays
 * (about 64 bytes per leaf).
 */
public final class InMemoryTree implements NodeReader {
    private final List<byte[]> levels = new ArrayList<>();
    private final List<Long> counts = new ArrayList<>();
    private final MerkleHash hash = new MerkleHash();
    private long size;

    public long appendData(byte[] entry) {
        return append(hash.leaf(entry));
    }

    /** Appends a leaf hash and returns its index. */
    public long append(byte[] leafHash) {
        if (leafHash.length != MerkleHash.SIZE) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes");
        }
        long index = size;
        byte[] carry = leafHash;
        int level = 0;
        while (true) {
            long n = put(level, carry);
            if ((n & 1) == 1) {
                break;
            }
            byte[] arr = levels.get(level);
            int off = (int) ((n - 2) * MerkleHash.SIZE);
            carry = hash.node(arr, off, arr, off + MerkleHash.SIZE);
            level++;
        }
        size++;
        return index;
    }

    private long put(int level, byte[] h) {
        if (levels.size() == level) {
            levels.add(new byte[MerkleHash.SIZE * 16]);
            counts.add(0L);
        }
        byte[] arr = levels.get(level);
        long n = counts.get(level);
        long needed = (n + 1) * MerkleHash.SIZE;
        if (needed > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("in-memory tree is full; use FileTree");
        }
        if (needed > arr.length) {
            arr = Arrays.copyOf(arr, (int) Math.min(Integer.MAX_VALUE - 64, Math.max(needed, arr.length * 2L)));
            levels.set(level, arr);
        }
        System.arraycopy(h, 0, arr, (int) (n * MerkleHash.SIZE), MerkleHash.SIZE);
        counts.set(level, n + 1);
        return n + 1;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] node(int level, long index) {
        if (level < 0 || level >= levels.size() || index < 0 || index >= counts.get(level)) {
            throw new IllegalArgumentException("no complete subtree at level " + level + " index " + index);
        }
        int off = (int) (index * MerkleHash.SIZE);
        return Arrays.copyOfRange(levels.get(level), off, off + MerkleHash.SIZE);
    }
}
