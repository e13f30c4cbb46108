package dev.vigil.updates.note;

/** Signature type bytes of c2sp.org/signed-note that this package handles. */
public final class SignatureType {
    /** Ed25519 over the note text. */
    public static final byte ED25519 = 0x01;
    /** Timestamped Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature, cosignature/v1). */
    public static final byte COSIGNATURE_V1 = 0x04;

    private SignatureType() {
    }
}
