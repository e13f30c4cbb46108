package dev.vigil.updates.witness;

import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.CosignatureV1;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.tiles.DirectoryTiles;
import dev.vigil.updates.tiles.TileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The add-checkpoint decisions of tlog-witness, against a real log written by LogWriter. */
class WitnessTest {
    private static final String ORIGIN = "example.org/witnessed-log";
    private static final long NOW = 1_767_139_200L;

    @Test
    void cosignsConsistentCheckpointsAndRefusesEverythingElse(@TempDir Path tmp) throws Exception {
        SecureRandom random = new SecureRandom();
        SignerKey logKey = SignerKey.generate(ORIGIN, SignatureType.ED25519, random);
        SignerKey rogue = SignerKey.generate(ORIGIN, SignatureType.ED25519, random);
        SignerKey witnessKey = SignerKey.generate("witness.example.org", SignatureType.COSIGNATURE_V1, random);
        Map<String, List<NoteVerifier>> trusted = Map.of(ORIGIN, List.of(logKey.verifier()));
        Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
        Witness witness = new Witness(witnessKey, trusted, new DirectoryWitnessState(tmp.resolve("w")), clock);
        DirectoryTiles web = new DirectoryTiles(tmp.resolve("www"));

        try (LogWriter log = LogWriter.open(tmp.resolve("log"), ORIGIN, web)) {
            append(log, 0, 20);
            Note cp20 = log.checkpoint(logKey);
            Witness.Response ok = witness.addCheckpoint(request(0, List.of(), cp20));
            assertThat(ok.status()).as(ok.bodyText()).isEqualTo(200);
            assertCosigned(cp20, ok, logKey.verifier(), witnessKey);

            // The same request again: the witness is now at 20.
            Witness.Response stale = witness.addCheckpoint(request(0, List.of(), cp20));
            assertThat(stale.status()).isEqualTo(409);
            assertThat(stale.contentType()).isEqualTo("text/x.tlog.size");
            assertThat(stale.bodyText()).isEqualTo("20\n");

            append(log, 20, 300);
            Note cp300 = log.checkpoint(logKey);
            List<byte[]> proof = new MerkleTree(new TileReader(web, 300)).consistencyProof(20, 300);
            List<byte[]> badProof = new ArrayList<>(proof);
            badProof.set(0, MerkleHash.leafHash(new byte[] {1}));
            assertThat(witness.addCheckpoint(request(20, badProof, cp300)).status()).isEqualTo(422);
            assertThat(witness.addCheckpoint(request(301, List.of(), cp300)).status()).isEqualTo(400);
            assertThat(witness.addCheckpoint(request(20, proof, sign(cp300, rogue))).status()).isEqualTo(403);
            assertThat(witness.addCheckpoint("old 1\n".getBytes()).status()).isEqualTo(400);
            Witness.Response ok300 = witness.addCheckpoint(request(20, proof, cp300));
            assertThat(ok300.status()).as(ok300.bodyText()).isEqualTo(200);
            assertCosigned(cp300, ok300, logKey.verifier(), witnessKey);

            // Same size, different root: a fork.
            Checkpoint forked = new Checkpoint(ORIGIN, 300, MerkleHash.leafHash(new byte[] {9}));
            assertThat(witness.addCheckpoint(request(300, List.of(), SignedCheckpoint.sign(forked, logKey))).status())
                    .isEqualTo(422);
        }

        // Unknown origin, and state that survives a restart.
        SignerKey otherLog = SignerKey.generate("other.org/log", SignatureType.ED25519, random);
        Note foreign = SignedCheckpoint.sign(new Checkpoint("other.org/log", 0, MerkleHash.emptyRoot()), otherLog);
        assertThat(witness.addCheckpoint(request(0, List.of(), foreign)).status()).isEqualTo(404);
        Witness restarted = new Witness(witnessKey, trusted, new DirectoryWitnessState(tmp.resolve("w")), clock);
        Note cp300again = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 300,
                new MerkleTree(new TileReader(web, 300)).root(300)), logKey);
        assertThat(restarted.addCheckpoint(request(0, List.of(), cp300again)).bodyText()).isEqualTo("300\n");
        assertThat(restarted.addCheckpoint(request(300, List.of(), cp300again)).status()).isEqualTo(200);
    }

    @Test
    void emptyTreeRules(@TempDir Path tmp) throws Exception {
        SecureRandom random = new SecureRandom();
        SignerKey logKey = SignerKey.generate(ORIGIN, SignatureType.ED25519, random);
        SignerKey witnessKey = SignerKey.generate("w.example", SignatureType.COSIGNATURE_V1, random);
        Witness witness = new Witness(witnessKey, Map.of(ORIGIN, List.of(logKey.verifier())),
                new DirectoryWitnessState(tmp), Clock.systemUTC());
        Note badEmpty = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 0, MerkleHash.leafHash(new byte[0])), logKey);
        assertThat(witness.addCheckpoint(request(0, List.of(), badEmpty)).status()).isEqualTo(422);
        Note one = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 1, MerkleHash.leafHash(new byte[0])), logKey);
        assertThat(witness.addCheckpoint(request(0, List.of(MerkleHash.emptyRoot()), one)).status()).isEqualTo(422);
        Note empty = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 0, MerkleHash.emptyRoot()), logKey);
        assertThat(witness.addCheckpoint(request(0, List.of(), empty)).status()).isEqualTo(200);
    }

    private static void append(LogWriter log, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            log.append(("entry " + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Note sign(Note note, SignerKey key) throws Exception {
        return SignedCheckpoint.sign(Checkpoint.parse(note.text()), key);
    }

    private static byte[] request(long old, List<byte[]> proof, Note checkpoint) {
        return new AddCheckpointRequest(old, proof, checkpoint.format()).format();
    }

    /** The client side: append the response lines to the checkpoint and open it with the witness key. */
    private static void assertCosigned(Note checkpoint, Witness.Response response, NoteVerifier logKey,
                                       SignerKey witnessKey) throws Exception {
        List<NoteSignature> lines = SignatureLines.parse(response.body());
        assertThat(lines).hasSize(1);
        List<NoteSignature> all = new ArrayList<>(checkpoint.signatures());
        all.addAll(lines);
        Note cosigned = Note.of(checkpoint.text(), all);
        SignedCheckpoint opened = SignedCheckpoint.open(cosigned.format(), ORIGIN, logKey,
                List.of(witnessKey.verifier()));
        assertThat(opened.note().verifiedBy(witnessKey.verifier())).isTrue();
        assertThat(CosignatureV1.timestamp(lines.get(0))).isEqualTo(NOW);
    }
}
