package dev.vigil.updates.note;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A note whose signatures were checked: at least one by a trusted key verified, none by a trusted key failed.
 * Unverified signatures are from keys the caller does not know; they are listed, never trusted.
 */
public record OpenedNote(Note note, List<NoteSignature> verified, List<NoteSignature> unverified) {
    public OpenedNote {
        verified = List.copyOf(verified);
        unverified = List.copyOf(unverified);
    }

    public byte[] text() {
        return note.text();
    }

    public String textString() {
        return new String(note.text(), StandardCharsets.UTF_8);
    }

    /** Whether a signature by this exact key verified. */
    public boolean verifiedBy(NoteVerifier key) {
        for (NoteSignature s : verified) {
            if (s.name().equals(key.name()) && s.keyId() == key.keyId()) {
                return true;
            }
        }
        return false;
    }
}
