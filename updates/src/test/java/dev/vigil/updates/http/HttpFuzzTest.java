package dev.vigil.updates.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.merkle.InMemoryTree;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.witness.Witness;
import dev.vigil.updates.witness.WitnessState;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hostile input for what the HTTP layer parses itself, and for the witness request path behind WitnessServer:
 * results or the documented refusals, never another exception. Normal runs replay the seeds under
 * HttpFuzzTestInputs; {@code -Pfuzz} fuzzes.
 */
class HttpFuzzTest {
    private static final String ORIGIN = "fuzz.vigil.test/log";
    private static final Set<Integer> WITNESS_STATUSES = Set.of(200, 400, 403, 404, 409, 422);
    private static final Path ROOT = Path.of("/srv/www").toAbsolutePath();
    private static final URI BASE = URI.create("http://127.0.0.1:8080/mirror/");
    private static final SignerKey LOG_KEY;
    private static final SignerKey COSIGNER;
    private static final Checkpoint SEEN;

    static {
        try {
            byte[] seed = new byte[32];
            seed[0] = 7;
            LOG_KEY = SignerKey.fromSeed(ORIGIN, SignatureType.ED25519, seed);
            seed[0] = 8;
            COSIGNER = SignerKey.fromSeed("fuzz.vigil.test/witness", SignatureType.COSIGNATURE_V1, seed);
            // The witness has seen size 3 of the log whose entries are "e0".."e4" (what the seeds are built on).
            InMemoryTree tree = new InMemoryTree();
            for (int i = 0; i < 5; i++) {
                tree.appendData(("e" + i).getBytes(StandardCharsets.US_ASCII));
            }
            SEEN = new Checkpoint(ORIGIN, 3, new MerkleTree(tree).root(3));
        } catch (FormatException | IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A request body as WitnessServer hands it to the witness: one of the protocol's answers, nothing else. */
    @FuzzTest(maxDuration = "60s")
    void witnessRequest(byte[] body) throws IOException {
        if (body.length > WitnessServer.MAX_BODY) {
            return; // the server answers 413 before the witness sees it
        }
        MemoryState state = new MemoryState(SEEN);
        Witness witness = new Witness(COSIGNER, Map.of(ORIGIN, List.<NoteVerifier>of(LOG_KEY.verifier())), state,
                Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC));
        Witness.Response r = witness.addCheckpoint(body);
        if (!WITNESS_STATUSES.contains(r.status())) {
            throw new AssertionError("unexpected status " + r.status());
        }
        boolean moved = state.latest != SEEN;
        if (moved != (r.status() == 200)) {
            throw new AssertionError("state changed without a cosignature, or the reverse");
        }
        if (r.status() == 409 && !r.bodyText().equals("3\n")) {
            throw new AssertionError("409 must carry the stored size");
        }
    }

    /** The 409 body a witness client reads: canonical sizes only, and they format back to the input. */
    @FuzzTest(maxDuration = "30s")
    void sizeBody(byte[] body) {
        try {
            long size = WitnessClient.parseSizeBody(body);
            byte[] again = (Long.toUnsignedString(size) + "\n").getBytes(StandardCharsets.US_ASCII);
            if (!Arrays.equals(again, body)) {
                throw new AssertionError("size body is not canonical");
            }
        } catch (IOException expected) {
            // refused input is fine
        }
    }

    /** A request path never names anything outside the served root, nor a URL outside the mirror's base. */
    @FuzzTest(maxDuration = "30s")
    void requestPath(byte[] data) {
        String raw = new String(data, StandardCharsets.UTF_8);
        Path p = StaticFileServer.resolve(ROOT, raw);
        if (p != null && !p.startsWith(ROOT)) {
            throw new AssertionError("resolved outside the root: " + raw);
        }
        if (SafePaths.isSafe(raw)) {
            URI u = HttpSupport.under(BASE, raw); // throws if the path left the base
            if (!u.getRawPath().equals(BASE.getRawPath() + raw) || u.getRawQuery() != null
                    || u.getRawFragment() != null) {
                throw new AssertionError("safe path changed meaning: " + raw);
            }
        }
    }

    /** Content-Length headers of any shape: a decision, never an exception. */
    @FuzzTest(maxDuration = "30s")
    void contentLength(byte[] data) {
        WitnessServer.declaredTooLarge(new String(data, StandardCharsets.ISO_8859_1));
    }

    /** Witness state in memory, with the check-and-set the interface asks for. */
    private static final class MemoryState implements WitnessState {
        private Checkpoint latest;

        MemoryState(Checkpoint latest) {
            this.latest = latest;
        }

        @Override
        public synchronized Checkpoint latest(String origin) {
            return origin.equals(ORIGIN) ? latest : null;
        }

        @Override
        public synchronized boolean compareAndSet(String origin, long expectedSize, Checkpoint next) {
            long size = latest(origin) == null ? 0 : latest(origin).size();
            if (size != expectedSize || !origin.equals(ORIGIN)) {
                return false;
            }
            latest = next;
            return true;
        }
    }
}
