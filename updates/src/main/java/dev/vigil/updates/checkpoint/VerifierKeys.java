package dev.vigil.updates.checkpoint;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.EcdsaNoteVerifier;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.VerifierKey;

/** Parses a vkey of any supported type: Ed25519 (0x01), ECDSA (0x02), cosignature/v1 (0x04), RFC 6962 (0x05). */
public final class VerifierKeys {
    private VerifierKeys() {
    }

    public static NoteVerifier parse(String vkey) throws FormatException {
        if (vkey.length() > 4096) {
            throw new FormatException("verifier key too long");
        }
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new FormatException("verifier key must be name+keyid+key");
        }
        byte type = Encoding.decodeBase64(parts[2], "verifier key")[0];
        return switch (type) {
            case EcdsaNoteVerifier.TYPE -> EcdsaNoteVerifier.parse(vkey);
            case Rfc6962NoteVerifier.TYPE -> Rfc6962NoteVerifier.parse(vkey);
            default -> VerifierKey.parse(vkey);
        };
    }
}
