package dev.vigil.updates.http;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.CosignatureV1;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.Verifiers;
import dev.vigil.updates.release.Publisher;
import dev.vigil.updates.tiles.TileReader;
import dev.vigil.updates.tiles.TileSource;
import dev.vigil.updates.witness.AddCheckpointRequest;
import dev.vigil.updates.witness.SignatureLines;
import dev.vigil.updates.witness.Witness;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a publisher uses to collect cosignatures from one c2sp.org/tlog-witness witness: {@code POST
 * <prefix>/add-checkpoint} with the old size and a consistency proof computed from the log's tiles. On 409 the
 * witness's reported size replaces the guess and the request is retried once. Only cosignature lines that verify
 * with the witness's pinned key over the checkpoint are returned; anything else the witness says is refused.
 * {@link #collect} and {@link #cosignAndPublish} gather from several witnesses with a quorum.
 */
public final class WitnessClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Error bodies are shown to people, never parsed: only their start is kept. */
    private static final int MAX_ERROR_BODY = 1024;
    private static final int MAX_SIZE_BODY = 32;

    private final URI prefix;
    private final URI endpoint;
    private final NoteVerifier witnessKey;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param submissionPrefix the witness's submission prefix (http or https); the call goes to
     *                         {@code <prefix>/add-checkpoint}
     * @param witnessKey       the witness's cosigner key (cosignature/v1); its lines are the only ones accepted
     * @param timeout          limit to connect, and limit for each whole exchange
     */
    public WitnessClient(URI submissionPrefix, NoteVerifier witnessKey, Duration timeout) {
        this.prefix = HttpSupport.checkBase(submissionPrefix);
        this.endpoint = HttpSupport.under(prefix, "add-checkpoint");
        this.witnessKey = witnessKey;
        this.timeout = HttpSupport.positive(timeout, "timeout");
        this.client = HttpSupport.client(timeout);
    }

    /** The submission prefix, ending in a slash. */
    public URI uri() {
        return prefix;
    }

    /** The pinned key whose cosignatures this client accepts. */
    public NoteVerifier witnessKey() {
        return witnessKey;
    }

    /**
     * Asks the witness to cosign {@code checkpoint} (a note signed by the log key).
     *
     * @param oldSizeGuess the size this witness is believed to have cosigned last (0 when unknown; a wrong guess
     *                     costs one more request, as the witness's 409 answer tells its size)
     * @param logTiles     the log's tiles, to compute the consistency proof from the witness's size
     * @return the witness's verified cosignature lines (at least one)
     * @throws IOException when the witness refuses, answers something invalid, or cannot be reached
     */
    public List<NoteSignature> addCheckpoint(Note checkpoint, long oldSizeGuess, TileSource logTiles)
            throws IOException {
        Checkpoint cp;
        try {
            cp = Checkpoint.parse(checkpoint.text());
        } catch (FormatException e) {
            throw new IllegalArgumentException("not a checkpoint note: " + e.getMessage(), e);
        }
        byte[] note = checkpoint.format();
        // A guess beyond this checkpoint would be a 400, not a 409 that tells the witness's size: start from 0.
        long first = Long.compareUnsigned(oldSizeGuess, cp.size()) > 0 ? 0 : oldSizeGuess;
        Answer answer = post(cp, note, first, logTiles);
        if (answer.status == 409) {
            long witnessSize = parseSizeBody(answer.body);
            if (Long.compareUnsigned(witnessSize, cp.size()) > 0) {
                throw new IOException(this + " has already cosigned size " + Long.toUnsignedString(witnessSize)
                        + " of " + cp.origin() + ", larger than this checkpoint's " + cp.size());
            }
            answer = post(cp, note, witnessSize, logTiles);
        }
        if (answer.status != 200) {
            throw new IOException(this + " refused the checkpoint of size " + cp.size() + ": HTTP " + answer.status
                    + " " + printable(answer.body));
        }
        return verifiedLines(checkpoint, answer.body);
    }

    private record Answer(int status, byte[] body) {
    }

    private Answer post(Checkpoint cp, byte[] note, long oldSize, TileSource logTiles) throws IOException {
        List<byte[]> proof = oldSize == 0 || oldSize == cp.size() ? List.of()
                : new MerkleTree(new TileReader(logTiles, cp.size())).consistencyProof(oldSize, cp.size());
        byte[] body = new AddCheckpointRequest(oldSize, proof, note).format();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while asking " + this);
        }
        int status = response.statusCode();
        if (status == 409) {
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!type.equals(Witness.SIZE_CONTENT_TYPE)) {
                response.body().close();
                throw new IOException(this + " answered 409 with content type \"" + type + "\", not "
                        + Witness.SIZE_CONTENT_TYPE);
            }
        }
        int limit = switch (status) {
            case 200 -> SignatureLines.MAX_BODY;
            case 409 -> MAX_SIZE_BODY;
            default -> MAX_ERROR_BODY;
        };
        try (InputStream in = new DeadlineInputStream(response.body(), limit, timeout, "answer of " + this)) {
            if (status == 200 || status == 409) {
                return new Answer(status, in.readAllBytes());
            }
            return new Answer(status, in.readNBytes(MAX_ERROR_BODY));
        }
    }

    /**
     * The body of a 409 answer: the witness's size in canonical decimal and a newline.
     *
     * @throws IOException when it is anything else
     */
    static long parseSizeBody(byte[] body) throws IOException {
        int n = body.length - 1;
        if (n < 1 || n > 20 || body[n] != '\n' || (body[0] == '0' && n > 1)) {
            throw new IOException("malformed text/x.tlog.size body");
        }
        for (int i = 0; i < n; i++) {
            if (body[i] < '0' || body[i] > '9') {
                throw new IOException("malformed text/x.tlog.size body");
            }
        }
        try {
            return Long.parseUnsignedLong(new String(body, 0, n, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IOException("text/x.tlog.size body out of range", e);
        }
    }

    /** The lines that verify with the witness key, as the spec suggests: appended to the checkpoint and opened. */
    private List<NoteSignature> verifiedLines(Note checkpoint, byte[] body) throws IOException {
        try {
            List<NoteSignature> lines = SignatureLines.parse(body);
            OpenedNote opened = Notes.check(Note.of(checkpoint.text(), lines), Verifiers.of(witnessKey));
            List<NoteSignature> verified = new ArrayList<>(opened.verified());
            for (NoteSignature s : verified) {
                if (CosignatureV1.timestamp(s) == 0) {
                    throw new IOException(this + " returned a cosignature without timestamp");
                }
            }
            return verified;
        } catch (FormatException e) {
            throw new IOException(this + " returned malformed cosignature lines: " + e.getMessage(), e);
        } catch (VerificationException e) {
            throw new IOException(this + " returned no valid cosignature by " + witnessKey.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Asks every witness in turn and returns {@code checkpoint} carrying its own signatures plus every cosignature
     * obtained (a witness's earlier line for the same key is replaced).
     *
     * @param quorum the number of witnesses that must cosign
     * @throws WitnessQuorumException when fewer than {@code quorum} witnesses cosigned; it lists each failure
     */
    public static Note collect(Note checkpoint, List<WitnessClient> witnesses, int quorum, long oldSizeGuess,
                               TileSource logTiles) throws IOException {
        if (quorum < 0 || quorum > witnesses.size()) {
            throw new IllegalArgumentException("quorum " + quorum + " is not between 0 and " + witnesses.size());
        }
        List<NoteSignature> signatures = new ArrayList<>(checkpoint.signatures());
        List<String> failures = new ArrayList<>();
        List<IOException> causes = new ArrayList<>();
        int cosigned = 0;
        for (WitnessClient w : witnesses) {
            List<NoteSignature> lines;
            try {
                lines = w.addCheckpoint(checkpoint, oldSizeGuess, logTiles);
            } catch (IOException e) {
                failures.add(w + ": " + e.getMessage());
                causes.add(e);
                continue;
            }
            cosigned++;
            for (NoteSignature line : lines) {
                signatures.removeIf(s -> s.name().equals(line.name()) && s.keyId() == line.keyId());
                signatures.add(line);
            }
        }
        if (cosigned < quorum) {
            WitnessQuorumException e = new WitnessQuorumException(cosigned, quorum, failures);
            causes.forEach(e::addSuppressed);
            throw e;
        }
        try {
            return Note.of(checkpoint.text(), signatures);
        } catch (FormatException e) {
            throw new IOException("cosigned checkpoint is not a valid note: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #collect} for the checkpoint just published, then {@link Publisher#publishCosigned}, so the mirror
     * serves the checkpoint with its cosignatures. Nothing is republished when the quorum is not met.
     */
    public static Note cosignAndPublish(Publisher publisher, Note checkpoint, List<WitnessClient> witnesses,
                                        int quorum, long oldSizeGuess, TileSource logTiles) throws IOException {
        Note cosigned = collect(checkpoint, witnesses, quorum, oldSizeGuess, logTiles);
        publisher.publishCosigned(cosigned);
        return cosigned;
    }

    private static String printable(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).strip();
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        client.shutdownNow(); // never waits: a hostile server must not hold up closing
    }

    @Override
    public String toString() {
        return "witness " + witnessKey.name() + " at " + prefix;
    }
}
