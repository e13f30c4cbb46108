package dev.vigil.updates.note;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;

import java.util.Arrays;

/**
 * A verifier key ("vkey", {@code name+hex8+base64(type || key)}) for Ed25519 note signatures (0x01) or Ed25519
 * cosignatures (0x04). The declared key ID must equal the one derived from name, type and key.
 */
public final class VerifierKey implements NoteVerifier {
    private final String name;
    private final int keyId;
    private final byte type;
    private final byte[] publicKey;

    private VerifierKey(String name, byte type, byte[] publicKey) {
        this.name = name;
        this.type = type;
        this.publicKey = publicKey;
        this.keyId = KeyId.compute(name, type, publicKey);
    }

    public static VerifierKey ed25519(String name, byte[] publicKey) throws FormatException {
        return of(name, SignatureType.ED25519, publicKey);
    }

    public static VerifierKey cosignatureV1(String name, byte[] publicKey) throws FormatException {
        return of(name, SignatureType.COSIGNATURE_V1, publicKey);
    }

    public static VerifierKey of(String name, byte type, byte[] publicKey) throws FormatException {
        KeyNames.check(name);
        if (type != SignatureType.ED25519 && type != SignatureType.COSIGNATURE_V1) {
            throw new FormatException("unsupported key type 0x" + String.format("%02x", type));
        }
        if (publicKey.length != Ed25519.PUBLIC_KEY_LENGTH) {
            throw new FormatException("Ed25519 public key must be 32 bytes");
        }
        return new VerifierKey(name, type, publicKey.clone());
    }

    public static VerifierKey parse(String vkey) throws FormatException {
        if (vkey.length() > 8192) {
            throw new FormatException("verifier key too long");
        }
        // The base64 part may itself contain '+', so split into at most three parts.
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new FormatException("verifier key must be name+keyid+key");
        }
        int declared = parseKeyId(parts[1]);
        byte[] raw = Encoding.decodeBase64(parts[2], "verifier key");
        VerifierKey key = of(parts[0], raw[0], Arrays.copyOfRange(raw, 1, raw.length));
        if (key.keyId != declared) {
            throw new FormatException("verifier key ID does not match the key");
        }
        return key;
    }

    static int parseKeyId(String hex) throws FormatException {
        if (hex.length() != 8) {
            throw new FormatException("key ID must be 8 hex digits");
        }
        for (int i = 0; i < 8; i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new FormatException("key ID must be 8 lowercase hex digits");
            }
        }
        return (int) Long.parseLong(hex, 16);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keyId() {
        return keyId;
    }

    public byte type() {
        return type;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public boolean verify(byte[] text, byte[] signature) {
        if (type == SignatureType.COSIGNATURE_V1) {
            return CosignatureV1.verify(publicKey, text, signature);
        }
        return Ed25519.verify(publicKey, text, signature);
    }

    /** The vkey text. */
    @Override
    public String toString() {
        byte[] raw = new byte[1 + publicKey.length];
        raw[0] = type;
        System.arraycopy(publicKey, 0, raw, 1, publicKey.length);
        return name + "+" + KeyId.hex(keyId) + "+" + Encoding.base64(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey other && type == other.type && name.equals(other.name)
                && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }
}
