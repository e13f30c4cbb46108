package dev.vigil.updates.note;

/** A public key that can check one signature type on note texts. */
public interface NoteVerifier {
    String name();

    int keyId();

    /**
     * @param text      the signed note text, final newline included
     * @param signature the signature bytes after the four key ID bytes
     */
    boolean verify(byte[] text, byte[] signature);
}
