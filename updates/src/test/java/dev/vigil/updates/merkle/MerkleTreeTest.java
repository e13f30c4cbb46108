package dev.vigil.updates.merkle;

import dev.vigil.updates.VerificationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generated proofs against verification, roots against the RFC's recursive definition, crash recovery. */
class MerkleTreeTest {
    private static final int N = 70;

    /** RFC 6962 MTH written as the RFC states it: the independent reference. */
    private static byte[] mth(byte[][] leaves, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return MerkleHash.emptyRoot();
        }
        if (n == 1) {
            return MerkleHash.leafHash(leaves[from]);
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleHash.nodeHash(mth(leaves, from, from + k), mth(leaves, from + k, to));
    }

    private static byte[][] leaves(int n) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = ("entry " + i).getBytes();
        }
        return out;
    }

    @Test
    void everyProofOfEverySmallTreeVerifiesAndTamperingFails() throws Exception {
        byte[][] data = leaves(N);
        InMemoryTree t = new InMemoryTree();
        for (byte[] d : data) {
            t.appendData(d);
        }
        MerkleTree tree = new MerkleTree(t);
        for (int size = 1; size <= N; size++) {
            byte[] root = tree.root(size);
            assertThat(root).isEqualTo(mth(data, 0, size));
            for (int i = 0; i < size; i++) {
                List<byte[]> proof = tree.inclusionProof(i, size);
                Proofs.verifyInclusion(i, size, t.node(0, i), proof, root);
                if (!proof.isEmpty()) {
                    byte[][] bad = proof.toArray(byte[][]::new);
                    bad[0] = bad[0].clone();
                    bad[0][5] ^= 1;
                    int index = i;
                    int s = size;
                    assertThatThrownBy(() -> Proofs.verifyInclusion(index, s, t.node(0, index), Arrays.asList(bad), root))
                            .isInstanceOf(VerificationException.class);
                }
            }
            for (int old = 1; old <= size; old++) {
                Proofs.verifyConsistency(old, size, tree.consistencyProof(old, size), tree.root(old), root);
            }
        }
    }

    @Test
    void fileTreeMatchesMemoryAndRecoversFromATornAppend(@TempDir Path dir) throws IOException {
        InMemoryTree mem = new InMemoryTree();
        try (FileTree disk = FileTree.open(dir)) {
            for (int i = 0; i < 100; i++) {
                byte[] h = MerkleHash.leafHash(("x" + i).getBytes());
                mem.append(h);
                disk.append(h);
            }
            disk.sync();
        }
        // A crash after the leaf write but before the upper levels, plus half a hash of garbage.
        try (FileChannel ch = FileChannel.open(dir.resolve("level-00"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(MerkleHash.leafHash("x100".getBytes())), 100L * 32);
            ch.write(ByteBuffer.wrap(new byte[16]), 101L * 32);
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("level-02"), StandardOpenOption.WRITE)) {
            ch.truncate(3 * 32);
        }
        mem.append(MerkleHash.leafHash("x100".getBytes()));
        try (FileTree disk = FileTree.open(dir)) {
            assertThat(disk.size()).isEqualTo(101);
            assertThat(new MerkleTree(disk).root(101)).isEqualTo(new MerkleTree(mem).root(101));
            for (int level = 0; level < 7; level++) {
                for (long i = 0; i < (101 >>> level); i++) {
                    assertThat(disk.node(level, i)).isEqualTo(mem.node(level, i));
                }
            }
        }
    }
}
