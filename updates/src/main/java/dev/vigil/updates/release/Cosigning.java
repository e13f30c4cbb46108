package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.tiles.TileReader;
import dev.vigil.updates.tiles.TileSource;
import dev.vigil.updates.witness.AddCheckpointRequest;
import dev.vigil.updates.witness.SignatureLines;
import dev.vigil.updates.witness.Witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers witness cosignatures for a log-signed checkpoint (tlog-witness): each witness is asked with the size it
 * last cosigned (learnt from its 409 answer) and a consistency proof built from the published tiles. Every returned
 * cosignature is checked against the witness key the publisher pinned before it is kept.
 */
public final class Cosigning {
    private Cosigning() {
    }

    /** A witness to ask and the cosignature/v1 key its answer must verify under. */
    public record Target(WitnessEndpoint endpoint, NoteVerifier key) {
    }

    /** The checkpoint with the cosignatures that were obtained, and one line per witness that did not cosign. */
    public record Result(Note cosigned, int cosignatures, List<String> failures) {
    }

    public static Result collect(Note logSignedCheckpoint, TileSource tiles, List<Target> witnesses) {
        Checkpoint cp;
        try {
            cp = Checkpoint.parse(logSignedCheckpoint.text());
        } catch (FormatException e) {
            throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
        }
        byte[] body = logSignedCheckpoint.format();
        List<NoteSignature> signatures = new ArrayList<>(logSignedCheckpoint.signatures());
        List<String> failures = new ArrayList<>();
        int count = 0;
        for (Target t : witnesses) {
            try {
                NoteSignature line = ask(t, cp, logSignedCheckpoint.text(), body, tiles);
                signatures.removeIf(s -> s.name().equals(line.name()) && s.keyId() == line.keyId());
                signatures.add(line);
                count++;
            } catch (IOException | FormatException e) {
                failures.add(t.endpoint().describe() + ": " + e.getMessage());
            }
        }
        try {
            return new Result(Note.of(logSignedCheckpoint.text(), signatures), count, List.copyOf(failures));
        } catch (FormatException e) {
            throw new IllegalStateException("cosigned checkpoint became invalid", e);
        }
    }

    private static NoteSignature ask(Target t, Checkpoint cp, byte[] text, byte[] checkpointNote, TileSource tiles)
            throws IOException, FormatException {
        long oldSize = 0;
        for (int attempt = 0; attempt < 2; attempt++) {
            List<byte[]> proof = oldSize == 0 || oldSize == cp.size() ? List.of()
                    : new MerkleTree(new TileReader(tiles, cp.size())).consistencyProof(oldSize, cp.size());
            Witness.Response r = t.endpoint().addCheckpoint(
                    new AddCheckpointRequest(oldSize, proof, checkpointNote).format());
            if (r.status() == 200) {
                return verified(t, text, r.body());
            }
            if (r.status() != 409 || attempt > 0) {
                throw new IOException("witness answered " + r.status() + ": " + firstLine(r.body()));
            }
            String size = new String(r.body(), StandardCharsets.US_ASCII).strip();
            try {
                oldSize = Long.parseUnsignedLong(size);
            } catch (NumberFormatException e) {
                throw new IOException("witness answered 409 without a size");
            }
            if (Long.compareUnsigned(oldSize, cp.size()) > 0) {
                throw new IOException("witness has seen size " + Long.toUnsignedString(oldSize)
                        + ", larger than this checkpoint's " + cp.size() + " (a forked or rolled-back log?)");
            }
        }
        throw new IOException("witness did not accept the checkpoint");
    }

    private static NoteSignature verified(Target t, byte[] text, byte[] body) throws FormatException, IOException {
        for (NoteSignature s : SignatureLines.parse(body)) {
            if (s.name().equals(t.key().name()) && s.keyId() == t.key().keyId()
                    && t.key().verify(text, s.signature())) {
                return s;
            }
        }
        throw new IOException("no valid cosignature by " + t.key().name() + " in the answer");
    }

    private static String firstLine(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).replaceAll("\\p{Cntrl}", "?");
    }
}
