package dev.vigil.updates.note;

import dev.vigil.updates.VerificationException;

import java.util.List;

/** A well-formed note with no signature from any trusted key. */
public final class UnverifiedNoteException extends VerificationException {
    private final transient Note note;
    private final transient List<NoteSignature> unverified;

    public UnverifiedNoteException(Note note, List<NoteSignature> unverified) {
        super("note has no verifiable signatures");
        this.note = note;
        this.unverified = List.copyOf(unverified);
    }

    public Note note() {
        return note;
    }

    public List<NoteSignature> unverified() {
        return unverified;
    }
}
