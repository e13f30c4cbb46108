package dev.vigil.updates.note;

import dev.vigil.updates.FormatException;

import java.nio.charset.StandardCharsets;

/**
 * The Ed25519 cosignature of c2sp.org/tlog-cosignature: the signature bytes are a big-endian u64 POSIX timestamp
 * then 64 Ed25519 bytes over "cosignature/v1\ntime T\n" followed by the checkpoint text.
 */
public final class CosignatureV1 {
    public static final int SIGNATURE_LENGTH = 8 + Ed25519.SIGNATURE_LENGTH;

    private CosignatureV1() {
    }

    public static byte[] message(long timestamp, byte[] checkpointText) {
        byte[] header = ("cosignature/v1\ntime " + timestamp + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + checkpointText.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(checkpointText, 0, out, header.length, checkpointText.length);
        return out;
    }

    /** The timestamp of a cosignature (the bytes after the key ID); at most 2^63-1 by the spec. */
    public static long timestamp(byte[] signature) throws FormatException {
        if (signature.length != SIGNATURE_LENGTH) {
            throw new FormatException("cosignature must be " + SIGNATURE_LENGTH + " bytes, not " + signature.length);
        }
        long ts = 0;
        for (int i = 0; i < 8; i++) {
            ts = (ts << 8) | (signature[i] & 0xff);
        }
        if (ts < 0) {
            throw new FormatException("cosignature timestamp above 2^63-1");
        }
        return ts;
    }

    /** The timestamp of a whole signature line payload (key ID included, 76 bytes). */
    public static long timestamp(NoteSignature sig) throws FormatException {
        return timestamp(sig.signature());
    }

    static boolean verify(byte[] publicKey, byte[] text, byte[] signature) {
        long ts;
        try {
            ts = timestamp(signature);
        } catch (FormatException e) {
            return false;
        }
        byte[] sig = new byte[Ed25519.SIGNATURE_LENGTH];
        System.arraycopy(signature, 8, sig, 0, sig.length);
        return Ed25519.verify(publicKey, message(ts, text), sig);
    }

    static byte[] sign(byte[] seed, long timestamp, byte[] text) {
        if (timestamp < 0) {
            throw new IllegalArgumentException("negative timestamp");
        }
        byte[] sig = Ed25519.sign(seed, message(timestamp, text));
        byte[] out = new byte[SIGNATURE_LENGTH];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (timestamp >>> (56 - 8 * i));
        }
        System.arraycopy(sig, 0, out, 8, sig.length);
        return out;
    }
}
