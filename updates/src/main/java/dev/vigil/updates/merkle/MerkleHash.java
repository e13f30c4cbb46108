package dev.vigil.updates.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 6962 / RFC 9162 hashing with SHA-256: leaf = H(0x00 || data), node = H(0x01 || left || right), empty tree =
 * H(""). An instance reuses one digest and is not thread-safe; the static helpers allocate their own.
 */
public final class MerkleHash {
    public static final int SIZE = 32;
    private static final byte[] EMPTY_ROOT = newDigest().digest();

    private final MessageDigest sha = newDigest();

    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    public byte[] leaf(byte[] data, int offset, int length) {
        sha.update((byte) 0);
        sha.update(data, offset, length);
        return sha.digest();
    }

    public byte[] leaf(byte[] data) {
        return leaf(data, 0, data.length);
    }

    public byte[] node(byte[] left, byte[] right) {
        sha.update((byte) 1);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** Node hash of two 32-byte children stored in arrays, without copying them out. */
    public byte[] node(byte[] a, int aOffset, byte[] b, int bOffset) {
        sha.update((byte) 1);
        sha.update(a, aOffset, SIZE);
        sha.update(b, bOffset, SIZE);
        return sha.digest();
    }

    public static byte[] leafHash(byte[] data) {
        return new MerkleHash().leaf(data);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return new MerkleHash().node(left, right);
    }

    /** The root of a complete tree whose 2^k leaf hashes lie back to back in {@code hashes}. */
    public byte[] completeRoot(byte[] hashes, int offset, int count) {
        if (Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("not a power of two: " + count);
        }
        if (count == 1) {
            byte[] out = new byte[SIZE];
            System.arraycopy(hashes, offset, out, 0, SIZE);
            return out;
        }
        byte[] level = new byte[count / 2 * SIZE];
        for (int i = 0; i < count / 2; i++) {
            System.arraycopy(node(hashes, offset + 2 * i * SIZE, hashes, offset + (2 * i + 1) * SIZE), 0, level,
                    i * SIZE, SIZE);
        }
        return completeRoot(level, 0, count / 2);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
