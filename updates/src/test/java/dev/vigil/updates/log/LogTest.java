package dev.vigil.updates.log;

import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.UnverifiedNoteException;
import dev.vigil.updates.tiles.BadTileException;
import dev.vigil.updates.tiles.DirectoryTiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log as a library: write tiles and checkpoints, then verify them as a client would. */
class LogTest {
    private static final String ORIGIN = "example.org/vigil-test-log";

    private static byte[] entry(int i) {
        return ("release " + i + "\n").repeat(1 + i % 5).getBytes();
    }

    @Test
    void growingLogStaysConsistentAndEveryEntryIsProvable(@TempDir Path tmp) throws Exception {
        SignerKey key = SignerKey.generate(ORIGIN, SignatureType.ED25519, new SecureRandom());
        DirectoryTiles web = new DirectoryTiles(tmp.resolve("www"));
        LogVerifier client = new LogVerifier(ORIGIN, key.verifier(), List.of(), web);
        List<Checkpoint> seen = new ArrayList<>();
        int[] batches = {1, 2, 253, 1, 300, 0, 700};
        int n = 0;
        try (LogWriter log = LogWriter.open(tmp.resolve("state"), ORIGIN, web)) {
            for (int batch : batches) {
                for (int i = 0; i < batch; i++) {
                    assertThat(log.append(entry(n))).isEqualTo(n);
                    n++;
                }
                log.checkpoint(key);
                SignedCheckpoint latest = client.latest();
                assertThat(latest.checkpoint().size()).isEqualTo(n);
                for (Checkpoint old : seen) {
                    client.verifyConsistency(old, latest.checkpoint());
                }
                seen.add(latest.checkpoint());
            }
        }
        Checkpoint last = seen.get(seen.size() - 1);
        for (int i = 0; i < n; i += 13) {
            assertThat(client.readEntry(last, i)).isEqualTo(entry(i));
        }
        // An older checkpoint still proves its entries (partial tiles of its size are kept).
        Checkpoint early = seen.get(2);
        assertThat(client.readEntry(early, early.size() - 1)).isEqualTo(entry((int) early.size() - 1));
        assertThatThrownBy(() -> client.verifyInclusion(last, 5, entry(6))).isInstanceOf(VerificationException.class);
        assertThatThrownBy(() -> client.verifyConsistency(last, seen.get(1))).isInstanceOf(VerificationException.class)
                .hasMessageContaining("rolled back");
    }

    @Test
    void forkedLogIsDetected(@TempDir Path tmp) throws Exception {
        SignerKey key = SignerKey.generate(ORIGIN, SignatureType.ED25519, new SecureRandom());
        DirectoryTiles a = new DirectoryTiles(tmp.resolve("a"));
        DirectoryTiles b = new DirectoryTiles(tmp.resolve("b"));
        Checkpoint trustedA;
        try (LogWriter la = LogWriter.open(tmp.resolve("sa"), ORIGIN, a);
             LogWriter lb = LogWriter.open(tmp.resolve("sb"), ORIGIN, b)) {
            for (int i = 0; i < 40; i++) {
                la.append(entry(i));
                lb.append(i == 17 ? "targeted release".getBytes() : entry(i));
            }
            la.checkpoint(key);
            lb.checkpoint(key);
            trustedA = new LogVerifier(ORIGIN, key.verifier(), List.of(), a).latest().checkpoint();
            for (int i = 40; i < 90; i++) {
                lb.append(entry(i));
            }
            lb.checkpoint(key);
        }
        LogVerifier viaB = new LogVerifier(ORIGIN, key.verifier(), List.of(), b);
        Checkpoint fromB = viaB.latest().checkpoint();
        assertThatThrownBy(() -> viaB.verifyConsistency(trustedA, fromB)).isInstanceOf(VerificationException.class)
                .hasMessageContaining("not consistent");
    }

    @Test
    void tamperedTilesAndWrongKeysAreRefused(@TempDir Path tmp) throws Exception {
        SignerKey key = SignerKey.generate(ORIGIN, SignatureType.ED25519, new SecureRandom());
        SignerKey other = SignerKey.generate(ORIGIN, SignatureType.ED25519, new SecureRandom());
        DirectoryTiles web = new DirectoryTiles(tmp.resolve("www"));
        Checkpoint first;
        try (LogWriter log = LogWriter.open(tmp.resolve("state"), ORIGIN, web)) {
            for (int i = 0; i < 300; i++) {
                log.append(entry(i));
            }
            log.checkpoint(key);
            first = new LogVerifier(ORIGIN, key.verifier(), List.of(), web).latest().checkpoint();
            for (int i = 300; i < 600; i++) {
                log.append(entry(i));
            }
            log.checkpoint(key);
        }
        LogVerifier client = new LogVerifier(ORIGIN, key.verifier(), List.of(), web);
        Checkpoint second = client.latest().checkpoint();
        // A hash flipped inside a full tile that the proof 300 -> 600 reads (leaves 256..511).
        Path tile = tmp.resolve("www/tile/0/001");
        byte[] good = Files.readAllBytes(tile);
        byte[] bad = good.clone();
        bad[100] ^= 1;
        Files.write(tile, bad);
        assertThatThrownBy(() -> client.verifyConsistency(first, second)).isInstanceOf(VerificationException.class);
        // Leaf 258 has the tampered hash 259 as its sibling; leaf 259 itself never reads its own stored hash.
        assertThatThrownBy(() -> client.readEntry(second, 258)).isInstanceOf(VerificationException.class);
        // A truncated tile.
        Files.write(tile, java.util.Arrays.copyOf(good, 100));
        assertThatThrownBy(() -> client.verifyConsistency(first, second)).isInstanceOf(BadTileException.class);
        Files.write(tile, good);
        client.verifyConsistency(first, second);
        // Checkpoint signed by another key, or for another origin.
        assertThatThrownBy(() -> new LogVerifier(ORIGIN, other.verifier(), List.of(), web).latest())
                .isInstanceOf(UnverifiedNoteException.class);
        assertThatThrownBy(() -> new LogVerifier("other.org/log", key.verifier(), List.of(), web).latest())
                .isInstanceOf(VerificationException.class);
    }

    @Test
    void writerSurvivesReopenAndRefusesASecondWriter(@TempDir Path tmp) throws Exception {
        SignerKey key = SignerKey.generate(ORIGIN, SignatureType.ED25519, new SecureRandom());
        DirectoryTiles web = new DirectoryTiles(tmp.resolve("www"));
        Path state = tmp.resolve("state");
        try (LogWriter log = LogWriter.open(state, ORIGIN, web)) {
            for (int i = 0; i < 10; i++) {
                log.append(entry(i));
            }
            log.checkpoint(key);
            log.append(entry(10));
            assertThatThrownBy(() -> LogWriter.open(state, ORIGIN, web)).isInstanceOf(IOException.class);
        }
        // Entry 10 was appended but never checkpointed: it is still there after reopening.
        try (LogWriter log = LogWriter.open(state, ORIGIN, web)) {
            assertThat(log.size()).isEqualTo(11);
            assertThat(log.publishedSize()).isEqualTo(10);
            log.checkpoint(key);
        }
        assertThatThrownBy(() -> LogWriter.open(state, "another origin", web)).isInstanceOf(IOException.class);
        Checkpoint cp = new LogVerifier(ORIGIN, key.verifier(), List.of(), web).latest().checkpoint();
        assertThat(cp.size()).isEqualTo(11);
        try (Stream<Path> files = Files.walk(tmp.resolve("www"))) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith(".tmp-"))).isEmpty();
        }
        // Published files are readable by a web server running as another user.
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(tmp.resolve("www/checkpoint")))
                    .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        }
        assertThat(MerkleHash.leafHash(entry(10))).hasSize(32);
    }
}
