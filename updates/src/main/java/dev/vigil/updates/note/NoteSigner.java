package dev.vigil.updates.note;

/** A private key that signs note texts. Implementations never reveal the key through toString. */
public interface NoteSigner {
    String name();

    int keyId();

    /** The signature bytes, without the key ID prefix. */
    byte[] sign(byte[] text);

    /** The matching public key. */
    NoteVerifier verifier();
}
