package dev.vigil.updates.note;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;

import java.security.PublicKey;
import java.util.Arrays;

/**
 * Signature type 0x02: ECDSA P-256 over the note text (as transparency-dev/witness signs), key ID the first four
 * bytes of SHA-256 of the DER public key. Verify-only: Vigil signs with Ed25519.
 */
public final class EcdsaNoteVerifier implements NoteVerifier {
    public static final byte TYPE = 0x02;
    private final String name;
    private final int keyId;
    private final PublicKey key;
    private final String vkey;

    private EcdsaNoteVerifier(String name, int keyId, PublicKey key, String vkey) {
        this.name = name;
        this.keyId = keyId;
        this.key = key;
        this.vkey = vkey;
    }

    public static EcdsaNoteVerifier parse(String vkey) throws FormatException {
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new FormatException("verifier key must be name+keyid+key");
        }
        KeyNames.check(parts[0]);
        int declared = VerifierKey.parseKeyId(parts[1]);
        byte[] raw = Encoding.decodeBase64(parts[2], "verifier key");
        if (raw[0] != TYPE) {
            throw new FormatException("not an ECDSA (0x02) verifier key");
        }
        byte[] spki = Arrays.copyOfRange(raw, 1, raw.length);
        PublicKey key = EcdsaP256.publicKey(spki);
        byte[] digest = KeyId.sha256().digest(spki);
        int id = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
        if (id != declared) {
            throw new FormatException("verifier key ID does not match the key");
        }
        return new EcdsaNoteVerifier(parts[0], id, key, vkey);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keyId() {
        return keyId;
    }

    @Override
    public boolean verify(byte[] text, byte[] signature) {
        return EcdsaP256.verify(key, text, signature);
    }


    /** The vkey text. */
    @Override
    public String toString() {
        return vkey;
    }
}
