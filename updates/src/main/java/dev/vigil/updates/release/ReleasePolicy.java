package dev.vigil.updates.release;

import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.policy.Quorum;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a client trusts: k of n release keys sign a manifest, one log (origin and key) records it, a witness quorum
 * cosigns the log's checkpoint, and the newest cosignature is at most {@code maxCheckpointAge} old.
 */
public record ReleasePolicy(int threshold, List<VerifierKey> releaseKeys, String logOrigin, NoteVerifier logKey,
                            Quorum witnessQuorum, Duration maxCheckpointAge) {
    public ReleasePolicy {
        releaseKeys = List.copyOf(releaseKeys);
        if (threshold < 1 || threshold > releaseKeys.size()) {
            throw new IllegalArgumentException("release threshold must be 1.." + releaseKeys.size());
        }
        // One key under two names must not count twice towards the threshold.
        Set<String> publicKeys = new HashSet<>();
        for (VerifierKey k : releaseKeys) {
            if (!publicKeys.add(java.util.HexFormat.of().formatHex(k.publicKey()))) {
                throw new IllegalArgumentException("release key listed twice: " + k.name());
            }
        }
        if (maxCheckpointAge.isNegative() || maxCheckpointAge.isZero()) {
            throw new IllegalArgumentException("max checkpoint age must be positive");
        }
    }

    /** The witness keys named anywhere in the quorum. */
    public List<NoteVerifier> witnessKeys() {
        List<NoteVerifier> out = new ArrayList<>();
        collect(witnessQuorum, out);
        return out;
    }

    private static void collect(Quorum q, List<NoteVerifier> out) {
        switch (q) {
            case Quorum.Witness w -> out.add(w.key());
            case Quorum.Group g -> g.members().forEach(m -> collect(m, out));
            case Quorum.None n -> {
            }
        }
    }

    /** A quorum of k of the given witnesses. */
    public static Quorum kOfN(int k, List<? extends NoteVerifier> witnesses) {
        List<Quorum> members = new ArrayList<>();
        for (NoteVerifier w : witnesses) {
            members.add(new Quorum.Witness(w.name(), w, null));
        }
        return new Quorum.Group("witnesses", k, members);
    }
}
