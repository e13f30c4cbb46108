package dev.vigil.updates.checkpoint;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.EcdsaP256;
import dev.vigil.updates.note.KeyId;
import dev.vigil.updates.note.KeyNames;
import dev.vigil.updates.note.NoteVerifier;

import java.security.PublicKey;
import java.util.Arrays;

/**
 * Signature type 0x05 (c2sp.org/static-ct-api): an RFC 6962 TreeHeadSignature over the checkpoint's size and root.
 * The signed bytes do not cover the origin, so this verifier only accepts checkpoints whose origin is its key name.
 * Key ID = SHA-256(name || 0x0A || 0x05 || SHA-256(DER public key))[:4]. Verify-only, ECDSA P-256.
 */
public final class Rfc6962NoteVerifier implements NoteVerifier {
    public static final byte TYPE = 0x05;
    private final String name;
    private final int keyId;
    private final PublicKey key;
    private final byte[] spki;

    private Rfc6962NoteVerifier(String name, byte[] spki, PublicKey key) {
        this.name = name;
        this.spki = spki;
        this.key = key;
        this.keyId = KeyId.compute(name, TYPE, KeyId.sha256Of(spki));
    }

    /** The verifier of a CT log from its submission URL and DER public key: the name is the URL without scheme. */
    public static Rfc6962NoteVerifier fromUrl(String url, byte[] spki) throws FormatException {
        String name = url;
        for (String scheme : new String[] {"https://", "http://"}) {
            if (name.startsWith(scheme)) {
                name = name.substring(scheme.length());
            }
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        KeyNames.check(name);
        return new Rfc6962NoteVerifier(name, spki.clone(), EcdsaP256.publicKey(spki));
    }

    public static Rfc6962NoteVerifier parse(String vkey) throws FormatException {
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new FormatException("verifier key must be name+keyid+key");
        }
        KeyNames.check(parts[0]);
        byte[] raw = Encoding.decodeBase64(parts[2], "verifier key");
        if (raw[0] != TYPE) {
            throw new FormatException("not an RFC 6962 (0x05) verifier key");
        }
        byte[] spki = Arrays.copyOfRange(raw, 1, raw.length);
        Rfc6962NoteVerifier v = new Rfc6962NoteVerifier(parts[0], spki, EcdsaP256.publicKey(spki));
        if (!KeyId.hex(v.keyId).equals(parts[1])) {
            throw new FormatException("verifier key ID does not match the key");
        }
        return v;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keyId() {
        return keyId;
    }

    /** The timestamp in milliseconds of a 0x05 signature (the bytes after the key ID). */
    public static long timestampMillis(byte[] signature) throws FormatException {
        if (signature.length < 12) {
            throw new FormatException("RFC 6962 note signature too short");
        }
        long ts = 0;
        for (int i = 0; i < 8; i++) {
            ts = (ts << 8) | (signature[i] & 0xff);
        }
        return ts;
    }

    @Override
    public boolean verify(byte[] text, byte[] signature) {
        try {
            Checkpoint cp = Checkpoint.parse(text);
            if (!cp.origin().equals(name) || !cp.extensions().isEmpty()) {
                return false;
            }
            long ts = timestampMillis(signature);
            // DigitallySigned: hash algorithm sha256 (4), signature algorithm ecdsa (3), u16 length, DER signature.
            if (signature[8] != 4 || signature[9] != 3) {
                return false;
            }
            int len = ((signature[10] & 0xff) << 8) | (signature[11] & 0xff);
            if (12 + len != signature.length) {
                return false;
            }
            byte[] tbs = new byte[2 + 8 + 8 + 32];
            tbs[0] = 0; // v1
            tbs[1] = 1; // tree_hash
            putLong(tbs, 2, ts);
            putLong(tbs, 10, cp.size());
            System.arraycopy(cp.root(), 0, tbs, 18, 32);
            return EcdsaP256.verify(key, tbs, Arrays.copyOfRange(signature, 12, signature.length));
        } catch (FormatException e) {
            return false;
        }
    }

    private static void putLong(byte[] out, int off, long v) {
        for (int i = 0; i < 8; i++) {
            out[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    /** The vkey text. */
    @Override
    public String toString() {
        byte[] raw = new byte[1 + spki.length];
        raw[0] = TYPE;
        System.arraycopy(spki, 0, raw, 1, spki.length);
        return name + "+" + KeyId.hex(keyId) + "+" + Encoding.base64(raw);
    }
}
