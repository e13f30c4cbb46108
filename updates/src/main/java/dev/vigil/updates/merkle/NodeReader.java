package dev.vigil.updates.merkle;

import java.io.IOException;

/**
 * Read access to the hashes of complete subtrees of a Merkle tree: {@code node(level, index)} is the root of the
 * 2^level leaves starting at {@code index << level}. Every root and proof of any tree size up to {@link #size()}
 * is built from these (see {@link MerkleTree}); in-memory trees, files and tiles all provide them.
 */
public interface NodeReader {
    /** Number of leaves available. */
    long size();

    /** The hash of a complete subtree inside the first {@link #size()} leaves. */
    byte[] node(int level, long index) throws IOException;
}
