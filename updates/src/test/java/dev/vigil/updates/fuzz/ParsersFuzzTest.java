package dev.vigil.updates.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.checkpoint.VerifierKeys;
import dev.vigil.updates.merkle.Proofs;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.note.Verifiers;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.proof.TlogProof;
import dev.vigil.updates.tiles.EntryBundle;
import dev.vigil.updates.tiles.TilePath;
import dev.vigil.updates.witness.AddCheckpointRequest;
import dev.vigil.updates.witness.SignatureLines;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hostile bytes for every parser: each must end in a result or a FormatException / VerificationException, never
 * another exception or a hang. Normal runs replay the seeds under ParsersFuzzTestInputs; {@code -Pfuzz} fuzzes.
 */
class ParsersFuzzTest {
    private static final SignerKey LOG_KEY;
    private static final SignerKey WITNESS_KEY;

    static {
        try {
            LOG_KEY = SignerKey.fromSeed("fuzz.example/log", SignatureType.ED25519, new byte[32]);
            byte[] seed = new byte[32];
            seed[0] = 1;
            WITNESS_KEY = SignerKey.fromSeed("fuzz.example/witness", SignatureType.COSIGNATURE_V1, seed);
        } catch (FormatException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void note(byte[] data) {
        try {
            Note n = Note.parse(data);
            // Whatever parses must format back to the same bytes.
            if (!Arrays.equals(n.format(), data)) {
                throw new AssertionError("note does not round-trip");
            }
            Notes.check(n, Verifiers.of(LOG_KEY.verifier(), WITNESS_KEY.verifier()));
        } catch (FormatException | VerificationException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void checkpoint(byte[] data) {
        try {
            Checkpoint cp = Checkpoint.parse(data);
            if (!Arrays.equals(cp.format(), data)) {
                throw new AssertionError("checkpoint does not round-trip");
            }
        } catch (FormatException expected) {
            // refused input is fine
        }
        try {
            SignedCheckpoint.open(data, "fuzz.example/log", LOG_KEY.verifier(), List.of(WITNESS_KEY.verifier()));
        } catch (FormatException | VerificationException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void keys(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            VerifierKey.parse(s);
        } catch (FormatException expected) {
            // refused input is fine
        }
        try {
            VerifierKeys.parse(s);
        } catch (FormatException expected) {
            // refused input is fine
        }
        try {
            SignerKey.parse(s);
        } catch (FormatException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void tilesAndBundles(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            TilePath t = TilePath.parse(s);
            if (!t.path().equals(s)) {
                throw new AssertionError("tile path does not round-trip");
            }
        } catch (FormatException expected) {
            // refused input is fine
        }
        try {
            TilePath.parseSumdb(s);
        } catch (FormatException expected) {
            // refused input is fine
        }
        if (data.length > 0) {
            try {
                EntryBundle.parse(Arrays.copyOfRange(data, 1, data.length), 1 + (data[0] & 0xff));
            } catch (FormatException expected) {
                // refused input is fine
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void witnessAndProofBodies(byte[] data) {
        try {
            AddCheckpointRequest.parse(data);
        } catch (FormatException expected) {
            // refused input is fine
        }
        try {
            SignatureLines.parse(data);
        } catch (FormatException expected) {
            // refused input is fine
        }
        try {
            TlogProof p = TlogProof.parse(data);
            if (!Arrays.equals(p.format(), data)) {
                throw new AssertionError("tlog-proof does not round-trip");
            }
        } catch (FormatException expected) {
            // refused input is fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void policy(byte[] data) {
        try {
            Policy.parse(data);
        } catch (FormatException expected) {
            // refused input is fine
        }
    }

    /** Arbitrary sizes, indices and hashes: verification must refuse or accept, never throw anything else. */
    @FuzzTest(maxDuration = "60s")
    void proofs(byte[] data) {
        if (data.length < 16) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long a = b.getLong();
        long n = b.getLong();
        List<byte[]> hashes = new ArrayList<>();
        while (b.remaining() >= 32 && hashes.size() < 70) {
            byte[] h = new byte[32];
            b.get(h);
            hashes.add(h);
        }
        byte[] x = hashes.isEmpty() ? new byte[32] : hashes.remove(0);
        byte[] y = hashes.isEmpty() ? new byte[32] : hashes.remove(0);
        try {
            Proofs.verifyInclusion(a, n, x, hashes, y);
        } catch (VerificationException expected) {
            // refused input is fine
        }
        try {
            Proofs.verifyConsistency(a, n, hashes, x, y);
        } catch (VerificationException expected) {
            // refused input is fine
        }
    }
}
