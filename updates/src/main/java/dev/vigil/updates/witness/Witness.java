package dev.vigil.updates.witness;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.Proofs;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.Verifiers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The decision logic of a tlog-witness {@code add-checkpoint} endpoint, without HTTP: given the request body it
 * returns the status, content type and body to send. A checkpoint is cosigned only when a trusted log key signed
 * it and it is consistent with the last one cosigned for its origin; state is persisted before the answer.
 */
public final class Witness {
    public static final String SIZE_CONTENT_TYPE = "text/x.tlog.size";
    public static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    /** What to answer: an HTTP status, its content type and body. */
    public record Response(int status, String contentType, byte[] body) {
        static Response text(int status, String message) {
            return new Response(status, TEXT_CONTENT_TYPE, (message + "\n").getBytes(StandardCharsets.UTF_8));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final SignerKey cosigner;
    private final Map<String, List<NoteVerifier>> logKeys;
    private final WitnessState state;
    private final Clock clock;

    /**
     * @param cosigner a cosignature/v1 (0x04) key
     * @param logKeys  trusted log keys by origin
     */
    public Witness(SignerKey cosigner, Map<String, List<NoteVerifier>> logKeys, WitnessState state, Clock clock) {
        if (cosigner.type() != SignatureType.COSIGNATURE_V1) {
            throw new IllegalArgumentException("a witness signs cosignature/v1 (type 0x04)");
        }
        this.cosigner = cosigner;
        this.logKeys = Map.copyOf(logKeys);
        this.state = state;
        this.clock = clock;
    }

    public Response addCheckpoint(byte[] body) throws IOException {
        AddCheckpointRequest request;
        Note note;
        Checkpoint cp;
        try {
            request = AddCheckpointRequest.parse(body);
            note = Note.parse(request.checkpoint());
            cp = Checkpoint.parse(note.text());
        } catch (FormatException e) {
            return Response.text(400, "malformed request: " + e.getMessage());
        }
        List<NoteVerifier> keys = logKeys.get(cp.origin());
        if (keys == null) {
            return Response.text(404, "unknown log origin");
        }
        try {
            Notes.check(note, new Verifiers(keys));
        } catch (VerificationException e) {
            return Response.text(403, "checkpoint not signed by a trusted log key: " + e.getMessage());
        }
        if (Long.compareUnsigned(request.oldSize(), cp.size()) > 0) {
            return Response.text(400, "old size is larger than the checkpoint size");
        }
        Checkpoint latest = state.latest(cp.origin());
        long latestSize = latest == null ? 0 : latest.size();
        if (request.oldSize() != latestSize) {
            return conflict(latestSize);
        }
        if (cp.size() == 0 && !MessageDigest.isEqual(cp.root(), MerkleHash.emptyRoot())) {
            return Response.text(422, "a size-0 checkpoint must have the empty-tree root");
        }
        if (request.oldSize() == 0) {
            if (!request.proof().isEmpty()) {
                return Response.text(422, "the consistency proof from size 0 must be empty");
            }
        } else {
            try {
                Proofs.verifyConsistency(request.oldSize(), cp.size(), request.proof(), latest.root(), cp.root());
            } catch (VerificationException e) {
                return Response.text(422, "inconsistent checkpoint: " + e.getMessage());
            }
        }
        if (!state.compareAndSet(cp.origin(), latestSize, cp)) {
            Checkpoint now = state.latest(cp.origin());
            return conflict(now == null ? 0 : now.size());
        }
        byte[] signature = cosigner.cosign(clock.instant().getEpochSecond(), cp.format());
        try {
            NoteSignature line = NoteSignature.of(cosigner.name(), cosigner.keyId(), signature);
            return new Response(200, TEXT_CONTENT_TYPE, SignatureLines.format(List.of(line)));
        } catch (FormatException e) {
            throw new IllegalStateException("cosigner name became invalid", e);
        }
    }

    private static Response conflict(long size) {
        return new Response(409, SIZE_CONTENT_TYPE,
                (Long.toUnsignedString(size) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
