package dev.vigil.updates.note;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The 32-bit key identifier: the first four bytes of SHA-256(name || 0x0A || type || public key), big-endian. */
public final class KeyId {
    private KeyId() {
    }

    public static int compute(String name, byte type, byte[] publicKey) {
        byte[] digest = fullDigest(name, type, publicKey);
        return ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
    }

    /** The untruncated hash; Rekor v2 uses it as its log ID. */
    public static byte[] fullDigest(String name, byte type, byte[] publicKey) {
        MessageDigest sha = sha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(type);
        sha.update(publicKey);
        return sha.digest();
    }

    public static String hex(int keyId) {
        return String.format("%08x", keyId);
    }

    public static byte[] sha256Of(byte[] data) {
        return sha256().digest(data);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
