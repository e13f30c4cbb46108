package dev.vigil.updates.checkpoint;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSigner;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.Verifiers;

import java.util.ArrayList;
import java.util.List;

/** A checkpoint whose log signature verified, with whatever other trusted signatures (cosignatures) verified too. */
public record SignedCheckpoint(Checkpoint checkpoint, OpenedNote note) {

    /**
     * Opens a checkpoint note: the log key must have signed it and the origin line must be the expected one. Other
     * keys (witnesses) are checked when present; a failing signature by any trusted key rejects the note.
     */
    public static SignedCheckpoint open(byte[] message, String expectedOrigin, NoteVerifier logKey,
                                        List<? extends NoteVerifier> otherKeys)
            throws FormatException, VerificationException {
        List<NoteVerifier> keys = new ArrayList<>(otherKeys.size() + 1);
        keys.add(logKey);
        keys.addAll(otherKeys);
        OpenedNote opened = Notes.open(message, new Verifiers(keys));
        if (!opened.verifiedBy(logKey)) {
            throw new VerificationException("checkpoint is not signed by the log key " + logKey.name());
        }
        Checkpoint cp = Checkpoint.parse(opened.text());
        if (!cp.origin().equals(expectedOrigin)) {
            throw new VerificationException("checkpoint origin \"" + cp.origin() + "\" is not \"" + expectedOrigin + "\"");
        }
        return new SignedCheckpoint(cp, opened);
    }

    public static SignedCheckpoint open(byte[] message, String expectedOrigin, NoteVerifier logKey)
            throws FormatException, VerificationException {
        return open(message, expectedOrigin, logKey, List.of());
    }

    /** Signs a checkpoint body; the result is the note to publish. */
    public static Note sign(Checkpoint checkpoint, NoteSigner... signers) throws FormatException {
        return Notes.sign(checkpoint.formatChecked(), signers);
    }
}
