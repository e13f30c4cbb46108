package dev.vigil.updates.merkle;

import dev.vigil.updates.VerificationException;

import java.security.MessageDigest;
import java.util.List;

/**
 * RFC 9162 section 2.1.3.2 and 2.1.4.2 proof verification. Sizes and indices are unsigned 64-bit. As in
 * transparency-dev/merkle, a consistency proof from size 0 is an error; the witness protocol's "old 0" rule is
 * handled by its caller.
 */
public final class Proofs {
    /** A proof never needs more than one hash per tree level (two for consistency, bounded the same way). */
    public static final int MAX_PROOF_HASHES = 64;

    private Proofs() {
    }

    /** The root implied by an inclusion proof; the caller compares it with a trusted root. */
    public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof)
            throws VerificationException {
        if (Long.compareUnsigned(index, size) >= 0) {
            throw new VerificationException("leaf index " + Long.toUnsignedString(index) + " not below tree size "
                    + Long.toUnsignedString(size));
        }
        checkHash(leafHash, "leaf hash");
        checkProof(proof);
        MerkleHash h = new MerkleHash();
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new VerificationException("inclusion proof too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = h.node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = h.node(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new VerificationException("inclusion proof too short");
        }
        return r;
    }

    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws VerificationException {
        checkHash(root, "root");
        byte[] computed = rootFromInclusionProof(index, size, leafHash, proof);
        if (!MessageDigest.isEqual(computed, root)) {
            throw new VerificationException("inclusion proof does not lead to the root");
        }
    }

    public static void verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
            throws VerificationException {
        checkProof(proof);
        int order = Long.compareUnsigned(size1, size2);
        if (order > 0) {
            throw new VerificationException("old size " + Long.toUnsignedString(size1) + " above new size "
                    + Long.toUnsignedString(size2));
        }
        if (order == 0) {
            if (!proof.isEmpty()) {
                throw new VerificationException("consistency proof between equal sizes must be empty");
            }
            if (size1 == 0) {
                throw new VerificationException("consistency proof from size 0");
            }
            // Like transparency-dev/merkle, equal sizes only compare the roots (its vectors use non-hash roots here).
            if (!MessageDigest.isEqual(root1, root2)) {
                throw new VerificationException("equal sizes with different roots");
            }
            return;
        }
        if (size1 == 0) {
            throw new VerificationException("consistency proof from size 0");
        }
        checkHash(root1, "old root");
        checkHash(root2, "new root");
        if (proof.isEmpty()) {
            throw new VerificationException("empty consistency proof");
        }
        MerkleHash h = new MerkleHash();
        int i = 0;
        byte[] first;
        if (Long.bitCount(size1) == 1) {
            first = root1;
        } else {
            first = proof.get(i++);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = first;
        byte[] sr = first;
        for (; i < proof.size(); i++) {
            byte[] c = proof.get(i);
            if (sn == 0) {
                throw new VerificationException("consistency proof too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = h.node(c, fr);
                sr = h.node(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = h.node(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new VerificationException("consistency proof too short");
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            throw new VerificationException("consistency proof does not lead to the old root");
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            throw new VerificationException("consistency proof does not lead to the new root");
        }
    }

    /**
     * Whether [start, end) is a subtree in the sense of draft-ietf-plants-merkle-tree-certs: non-empty, and start is
     * zero or a multiple of the smallest power of two not below end - start.
     */
    public static boolean isValidSubtree(long start, long end) {
        if (Long.compareUnsigned(start, end) >= 0) {
            return false;
        }
        if (start == 0) {
            return true;
        }
        long width = end - start;
        long ceil = Long.bitCount(width) == 1 ? width : Long.highestOneBit(width) << 1;
        return ceil != 0 && Long.remainderUnsigned(start, ceil) == 0;
    }

    /** Inclusion of leaf {@code index} in the subtree [start, end) whose hash is {@code subtreeRoot}. */
    public static void verifySubtreeInclusion(long index, long start, long end, byte[] leafHash, List<byte[]> proof,
                                              byte[] subtreeRoot) throws VerificationException {
        if (!isValidSubtree(start, end)) {
            throw new VerificationException("[" + Long.toUnsignedString(start) + ", " + Long.toUnsignedString(end)
                    + ") is not a valid subtree");
        }
        if (Long.compareUnsigned(index, start) < 0 || Long.compareUnsigned(index, end) >= 0) {
            throw new VerificationException("leaf index outside the subtree");
        }
        verifyInclusion(index - start, end - start, leafHash, proof, subtreeRoot);
    }

    /**
     * Checks a subtree consistency proof: the subtree [start, end) with hash {@code subtreeRoot} is part of the
     * tree of {@code size} leaves with root {@code root}. An empty subtree needs an empty proof and the empty-tree
     * hash.
     */
    public static void verifySubtreeConsistency(long start, long end, long size, List<byte[]> proof,
                                                byte[] subtreeRoot, byte[] root) throws VerificationException {
        if (Long.compareUnsigned(start, end) > 0 || Long.compareUnsigned(end, size) > 0) {
            throw new VerificationException("subtree is not inside the tree");
        }
        checkProof(proof);
        if (start == end) {
            if (!proof.isEmpty() || !MessageDigest.isEqual(subtreeRoot, MerkleHash.emptyRoot())) {
                throw new VerificationException("an empty subtree needs an empty proof and the empty-tree hash");
            }
            return;
        }
        if (!isValidSubtree(start, end)) {
            throw new VerificationException("not a valid subtree");
        }
        if (start == 0 && end == size) {
            // The subtree is the whole tree; like equal-size consistency, only the hashes are compared.
            if (!proof.isEmpty() || !MessageDigest.isEqual(subtreeRoot, root)) {
                throw new VerificationException("the whole tree needs an empty proof and equal roots");
            }
            return;
        }
        if (size < 0) {
            throw new VerificationException("tree sizes above 2^63-1 are not supported");
        }
        checkHash(subtreeRoot, "subtree root");
        checkHash(root, "root");
        SubtreePath path = SubtreePath.of(start, end, size);
        int first = path.subtreeIsNode() ? 0 : 1;
        if (proof.size() != first + path.steps().size()) {
            throw new VerificationException("subtree consistency proof has " + proof.size() + " hashes, expected "
                    + (first + path.steps().size()));
        }
        MerkleHash h = new MerkleHash();
        byte[] tree = path.subtreeIsNode() ? subtreeRoot : proof.get(0);
        byte[] sub = tree;
        for (int i = 0; i < path.steps().size(); i++) {
            SubtreePath.Step step = path.steps().get(path.steps().size() - 1 - i);
            byte[] sibling = proof.get(first + i);
            tree = step.siblingOnLeft() ? h.node(sibling, tree) : h.node(tree, sibling);
            if (step.insideSubtree()) {
                sub = h.node(sibling, sub);
            }
        }
        if (!MessageDigest.isEqual(sub, subtreeRoot)) {
            throw new VerificationException("subtree consistency proof does not lead to the subtree root");
        }
        if (!MessageDigest.isEqual(tree, root)) {
            throw new VerificationException("subtree consistency proof does not lead to the root");
        }
    }

    /**
     * Two adjacent subtrees [a, mid) and [mid, end) covering [start, end) (draft-ietf-plants-merkle-tree-certs,
     * "selecting two subtrees"): mid is where the paths to start and end - 1 part, and the left subtree is the
     * aligned power-of-two block ending at mid that reaches back to start. Returns {a, mid, end}.
     */
    public static long[] findSubtrees(long start, long end) {
        if (start < 0 || start > end) {
            throw new IllegalArgumentException("need 0 <= start <= end");
        }
        if (end - start <= 1) {
            return new long[] {start, end, end};
        }
        long last = end - 1;
        long diverge = Long.highestOneBit(start ^ last);
        long mid = last & -diverge;
        long width = mid - start;
        long block = Long.bitCount(width) == 1 ? width : Long.highestOneBit(width) << 1;
        return new long[] {mid - block, mid, end};
    }

    private static void checkProof(List<byte[]> proof) throws VerificationException {
        if (proof.size() > MAX_PROOF_HASHES * 2) {
            throw new VerificationException("proof has too many hashes");
        }
        for (byte[] p : proof) {
            checkHash(p, "proof hash");
        }
    }

    private static void checkHash(byte[] hash, String what) throws VerificationException {
        if (hash == null || hash.length != MerkleHash.SIZE) {
            throw new VerificationException(what + " must be 32 bytes");
        }
    }
}
