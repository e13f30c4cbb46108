package dev.vigil.updates.note;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Signing and opening notes, with the rules of c2sp.org/signed-note and Go's note package. */
public final class Notes {
    private Notes() {
    }

    /**
     * Opens a note: unknown (name, key ID) pairs are ignored, a failing signature by a trusted key rejects the whole
     * note, and at least one trusted signature must verify. Repeated signatures by one key count once; repeated
     * identical unknown lines are listed once.
     */
    public static OpenedNote open(byte[] message, Verifiers verifiers) throws FormatException, VerificationException {
        return check(Note.parse(message), verifiers);
    }

    public static OpenedNote check(Note note, Verifiers verifiers) throws VerificationException {
        byte[] text = note.text();
        List<NoteSignature> verified = new ArrayList<>();
        Set<String> verifiedKeys = new HashSet<>();
        Set<NoteSignature> unverified = new LinkedHashSet<>();
        for (NoteSignature sig : note.signatures()) {
            NoteVerifier key = verifiers.find(sig.name(), sig.keyId());
            if (key == null) {
                unverified.add(sig);
                continue;
            }
            if (!key.verify(text, sig.signature())) {
                throw new VerificationException("invalid signature for key " + sig);
            }
            if (verifiedKeys.add(sig.toString())) {
                verified.add(sig);
            }
        }
        if (verified.isEmpty()) {
            throw new UnverifiedNoteException(note, new ArrayList<>(unverified));
        }
        return new OpenedNote(note, verified, new ArrayList<>(unverified));
    }

    /**
     * Signs a text. Existing signatures come first, except those by one of the signers, which the new signature
     * replaces; a signer given twice signs once.
     */
    public static Note sign(byte[] text, List<NoteSignature> existing, NoteSigner... signers) throws FormatException {
        Note.checkText(text);
        Set<String> signerKeys = new HashSet<>();
        List<NoteSigner> distinct = new ArrayList<>();
        for (NoteSigner s : signers) {
            KeyNames.check(s.name());
            if (signerKeys.add(s.name() + "+" + KeyId.hex(s.keyId()))) {
                distinct.add(s);
            }
        }
        List<NoteSignature> out = new ArrayList<>();
        for (NoteSignature sig : existing) {
            if (!signerKeys.contains(sig.toString())) {
                out.add(sig);
            }
        }
        for (NoteSigner s : distinct) {
            out.add(NoteSignature.of(s.name(), s.keyId(), s.sign(text)));
        }
        return Note.of(text, out);
    }

    public static Note sign(byte[] text, NoteSigner... signers) throws FormatException {
        return sign(text, List.of(), signers);
    }
}
