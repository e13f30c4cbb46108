package dev.vigil.updates.merkle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RFC 9162 tree hashes and proof generation (MTH, PATH, PROOF) over complete-subtree hashes. Each range that the
 * RFC recursion visits is split into at most 64 complete subtrees, so work is O(log^2 n) node reads.
 */
public final class MerkleTree {
    private final NodeReader nodes;
    private final MerkleHash hash = new MerkleHash();

    public MerkleTree(NodeReader nodes) {
        this.nodes = nodes;
    }

    /** The root of the tree made of the first {@code size} leaves. */
    public byte[] root(long size) throws IOException {
        checkSize(size);
        return size == 0 ? MerkleHash.emptyRoot() : rangeHash(0, size);
    }

    /** Audit path of leaf {@code index} in the tree of {@code size} leaves, leaf sibling first. */
    public List<byte[]> inclusionProof(long index, long size) throws IOException {
        checkSize(size);
        return subtreeInclusionProof(index, 0, size);
    }

    /** Audit path of leaf {@code index} inside the subtree [start, end) (see {@link Proofs#isValidSubtree}). */
    public List<byte[]> subtreeInclusionProof(long index, long start, long end) throws IOException {
        checkSize(end);
        if (!Proofs.isValidSubtree(start, end) || index < start || index >= end) {
            throw new IllegalArgumentException("leaf " + index + " is not in the subtree [" + start + ", " + end + ")");
        }
        List<byte[]> topDown = new ArrayList<>();
        while (end - start > 1) {
            long k = largestPowerOfTwoBelow(end - start);
            if (index < start + k) {
                topDown.add(rangeHash(start + k, end));
                end = start + k;
            } else {
                topDown.add(rangeHash(start, start + k));
                start = start + k;
            }
        }
        Collections.reverse(topDown);
        return topDown;
    }

    /**
     * Proof that the subtree [start, end) is part of the tree of {@code size} leaves (draft-ietf-plants-merkle-tree-
     * certs): the RFC 9162 consistency proof generalised to subtrees, for a verifier that knows the subtree hash.
     * Empty for an empty subtree.
     */
    public List<byte[]> subtreeConsistencyProof(long start, long end, long size) throws IOException {
        checkSize(size);
        if (start > end || end > size || !(start == end || Proofs.isValidSubtree(start, end))) {
            throw new IllegalArgumentException("[" + start + ", " + end + ") is not a subtree of size " + size);
        }
        List<byte[]> topDown = new ArrayList<>();
        if (start == end) {
            return topDown;
        }
        SubtreePath path = SubtreePath.of(start, end, size);
        for (SubtreePath.Step step : path.steps()) {
            topDown.add(rangeHash(step.siblingStart(), step.siblingEnd()));
        }
        if (!path.subtreeIsNode()) {
            topDown.add(rangeHash(path.bottomStart(), path.bottomEnd()));
        }
        Collections.reverse(topDown);
        return topDown;
    }

    /** Proof that the tree of {@code oldSize} leaves is a prefix of the one of {@code newSize} leaves. */
    public List<byte[]> consistencyProof(long oldSize, long newSize) throws IOException {
        checkSize(newSize);
        if (oldSize <= 0 || oldSize > newSize) {
            throw new IllegalArgumentException("need 0 < old size <= new size");
        }
        List<byte[]> topDown = new ArrayList<>();
        long m = oldSize;
        long start = 0;
        long end = newSize;
        boolean wholeOldTree = true;
        while (m != end - start) {
            long k = largestPowerOfTwoBelow(end - start);
            if (m <= k) {
                topDown.add(rangeHash(start + k, end));
                end = start + k;
            } else {
                topDown.add(rangeHash(start, start + k));
                m -= k;
                start += k;
                wholeOldTree = false;
            }
        }
        if (!wholeOldTree) {
            topDown.add(rangeHash(start, end));
        }
        Collections.reverse(topDown);
        return topDown;
    }

    /**
     * The RFC 6962 hash of leaves [start, end): complete subtrees from the left, largest first, folded from the
     * right. Valid for every range the RFC recursion visits and for aligned subtrees.
     */
    public byte[] rangeHash(long start, long end) throws IOException {
        if (start >= end) {
            throw new IllegalArgumentException("empty range");
        }
        byte[][] parts = new byte[64][];
        int count = 0;
        long pos = start;
        while (pos < end) {
            int level = 63 - Long.numberOfLeadingZeros(end - pos);
            if (pos != 0) {
                level = Math.min(level, Long.numberOfTrailingZeros(pos));
            }
            parts[count++] = nodes.node(level, pos >>> level);
            pos += 1L << level;
        }
        byte[] acc = parts[count - 1];
        for (int i = count - 2; i >= 0; i--) {
            acc = hash.node(parts[i], acc);
        }
        return acc;
    }

    private void checkSize(long size) {
        if (size < 0 || size > nodes.size()) {
            throw new IllegalArgumentException("size " + size + " beyond the " + nodes.size() + " leaves held");
        }
    }

    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }
}
