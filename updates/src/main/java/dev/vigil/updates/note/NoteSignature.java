package dev.vigil.updates.note;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;

import java.util.Arrays;

/**
 * One signature line of a note: the key name and the decoded payload, which starts with the four key ID bytes.
 * Equality is by value, so identical lines compare equal.
 */
public final class NoteSignature {
    private final String name;
    private final byte[] payload;

    private NoteSignature(String name, byte[] payload) {
        this.name = name;
        this.payload = payload;
    }

    /** A payload of key ID followed by at least one signature byte. */
    public static NoteSignature of(String name, byte[] payload) throws FormatException {
        KeyNames.check(name);
        if (payload.length < 5) {
            throw new FormatException("signature for " + name + " is too short");
        }
        return new NoteSignature(name, payload.clone());
    }

    public static NoteSignature of(String name, int keyId, byte[] signature) throws FormatException {
        byte[] payload = new byte[4 + signature.length];
        putKeyId(payload, keyId);
        System.arraycopy(signature, 0, payload, 4, signature.length);
        return of(name, payload);
    }

    /** From a line's base64 part, checked against the key ID the caller expects. */
    public static NoteSignature fromBase64(String name, int declaredKeyId, String base64) throws FormatException {
        NoteSignature sig = of(name, Encoding.decodeBase64(base64, "signature"));
        if (sig.keyId() != declaredKeyId) {
            throw new FormatException("signature key ID does not match " + name + "+" + KeyId.hex(declaredKeyId));
        }
        return sig;
    }

    static void putKeyId(byte[] out, int keyId) {
        out[0] = (byte) (keyId >>> 24);
        out[1] = (byte) (keyId >>> 16);
        out[2] = (byte) (keyId >>> 8);
        out[3] = (byte) keyId;
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                | (payload[3] & 0xff);
    }

    /** The signature proper, after the key ID. */
    public byte[] signature() {
        return Arrays.copyOfRange(payload, 4, payload.length);
    }

    /** Key ID and signature, as carried in base64 on the line. */
    public byte[] payload() {
        return payload.clone();
    }

    public String base64() {
        return Encoding.base64(payload);
    }

    /** The full line, "— name base64\n". */
    public String line() {
        return "\u2014 " + name + " " + base64() + "\n";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteSignature other && name.equals(other.name) && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return name + "+" + KeyId.hex(keyId());
    }
}
