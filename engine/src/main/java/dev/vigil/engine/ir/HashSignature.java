package dev.vigil.engine.ir;

/**
 * A hash signature: the digest of a file (or PE section) of {@code size} bytes, or of any size when
 * {@code size} is {@link #ANY_SIZE}.
 */
public record HashSignature(String name, HashAlgorithm algorithm, byte[] digest, long size, HashScope scope) {
    public static final long ANY_SIZE = -1;

    public HashSignature {
        if (digest.length != algorithm.length()) {
            throw new IllegalArgumentException("digest length does not fit " + algorithm);
        }
    }
}
