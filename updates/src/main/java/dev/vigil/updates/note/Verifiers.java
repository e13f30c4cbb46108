package dev.vigil.updates.note;

import dev.vigil.updates.VerificationException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The trusted keys a note is opened with, looked up by the exact (name, key ID) pair. */
public final class Verifiers {
    private record NameAndId(String name, int keyId) {
    }

    private final Map<NameAndId, List<NoteVerifier>> byKey = new HashMap<>();
    private final List<NoteVerifier> all;

    public Verifiers(List<? extends NoteVerifier> verifiers) {
        this.all = List.copyOf(verifiers);
        for (NoteVerifier v : all) {
            byKey.computeIfAbsent(new NameAndId(v.name(), v.keyId()), k -> new ArrayList<>(1)).add(v);
        }
    }

    public static Verifiers of(NoteVerifier... verifiers) {
        return new Verifiers(List.of(verifiers));
    }

    /**
     * The verifier for the pair, or null when the pair is unknown. A pair configured twice is an error only when a
     * note actually uses it, as in Go's note package.
     */
    public NoteVerifier find(String name, int keyId) throws VerificationException {
        List<NoteVerifier> found = byKey.get(new NameAndId(name, keyId));
        if (found == null) {
            return null;
        }
        if (found.size() > 1) {
            throw new VerificationException("ambiguous key " + name + "+" + KeyId.hex(keyId));
        }
        return found.get(0);
    }

    /** Like {@link #find} but an unknown pair is an error. */
    public NoteVerifier require(String name, int keyId) throws VerificationException {
        NoteVerifier v = find(name, keyId);
        if (v == null) {
            throw new VerificationException("unknown key " + name + "+" + KeyId.hex(keyId));
        }
        return v;
    }

    public List<NoteVerifier> all() {
        return all;
    }
}
