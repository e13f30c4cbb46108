package dev.vigil.updates.release;

import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.release.UpdateRefused.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The update client against the attack matrix: each attack is refused with its reason, and the installed
 * release and trusted state stay exactly as they were. The matrix is written to target/release-attack-matrix.md.
 */
class UpdateClientTest {
    private static final Map<String, String> MATRIX = new ConcurrentSkipListMap<>();

    @TempDir
    Path tmp;

    @AfterAll
    static void writeMatrix() throws IOException {
        StringBuilder sb = new StringBuilder("| Attack | Refusal |\n|---|---|\n");
        MATRIX.forEach((attack, message) -> sb.append("| ").append(attack).append(" | `")
                .append(message.replace("|", "\\|")).append("` |\n"));
        Path out = Path.of("target", "release-attack-matrix.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb.toString());
    }

    /** Everything an attack must leave alone: the state file and the installed files. */
    private record Snapshot(byte[] state, Map<String, String> installed, Path current) {
        static Snapshot of(UpdateClient c, Path clientDir) throws IOException {
            Path state = clientDir.resolve("state");
            Map<String, String> files = new TreeMap<>();
            Path current = c.installed();
            if (current != null) {
                try (Stream<Path> s = Files.list(current)) {
                    for (Path p : s.toList()) {
                        files.put(p.getFileName().toString(), Files.readString(p));
                    }
                }
            }
            return new Snapshot(Files.exists(state) ? Files.readAllBytes(state) : null, files, current);
        }

        void assertSame(Snapshot other) {
            assertThat(other.state).isEqualTo(state);
            assertThat(other.installed).isEqualTo(installed);
            assertThat(other.current).isEqualTo(current);
        }
    }

    /** Runs an attack's update, checks the reason and the untouched install, records the message. */
    private UpdateRefused refused(String attack, UpdateClient client, String clientName, Reason reason) throws Exception {
        Path dir = tmp.resolve("client-" + clientName);
        Snapshot before = Snapshot.of(client, dir);
        UpdateRefused e = catchThrowableOfType(UpdateRefused.class, client::update);
        assertThat(e).as(attack).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        before.assertSame(Snapshot.of(client, dir));
        if (Files.isDirectory(dir.resolve("install"))) {
            try (Stream<Path> s = Files.list(dir.resolve("install"))) {
                assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".staging"));
            }
        }
        MATRIX.put(attack, e.getMessage());
        return e;
    }

    /** A fixture with release 1 published and installed by client "a". */
    private ReleaseFixture installedV1() throws Exception {
        ReleaseFixture f = new ReleaseFixture(tmp);
        f.publish(1);
        assertThat(f.client("a").update()).isPresent();
        return f;
    }

    @Test
    void happyPathOverSeveralReleases() throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(tmp)) {
            UpdateClient a = f.client("a");
            UpdateClient late = f.client("late");
            assertThat(catchThrowableOfType(UpdateRefused.class, a::update).reason()).isEqualTo(Reason.BAD_LOG_DATA);
            for (long v = 1; v <= 4; v++) {
                f.clock.advance(Duration.ofHours(6));
                Publisher.Published p = f.publish(v);
                Optional<Release> r = a.update();
                assertThat(r).isPresent();
                assertThat(r.get().manifest()).isEqualTo(f.last);
                assertThat(r.get().logIndex()).isEqualTo(p.index());
                assertThat(Files.readString(a.installed().resolve("daily.ndb"))).contains("Vigil.Test.Sig" + v);
                assertThat(a.state().version()).isEqualTo(v);
                assertThat(a.state().checkpoint().size()).isEqualTo(v);
                assertThat(a.update()).isEmpty();
                if (v == 1) {
                    assertThat(late.update()).isPresent();
                }
            }
            // A client that skipped releases 2 and 3 checks the whole chain and lands on 4.
            Optional<Release> r = late.update();
            assertThat(r.get().manifest().version()).isEqualTo(4);
            assertThat(late.state()).isEqualTo(a.state());
            // Only the current and the previous release stay on disk.
            try (Stream<Path> s = Files.list(tmp.resolve("client-a/install/releases"))) {
                assertThat(s.count()).isEqualTo(2);
            }
        }
    }

    @Test
    void tamperedArtifact() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            ReleaseManifest.Artifact a = f.last.artifacts().get(0);
            Path file = f.wwwFile(DirectoryReleaseSource.artifactPath(a));
            byte[] data = Files.readAllBytes(file);
            data[3] ^= 1;
            Files.write(file, data);
            refused("tampered artifact", f.client("a"), "a", Reason.ARTIFACT_MISMATCH);
        }
    }

    @Test
    void truncatedArtifact() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            Path file = f.wwwFile(DirectoryReleaseSource.artifactPath(f.last.artifacts().get(1)));
            byte[] data = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(data, data.length - 1));
            refused("truncated artifact", f.client("a"), "a", Reason.ARTIFACT_MISMATCH);
        }
    }

    @Test
    void tamperedManifest() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            Path file = f.wwwFile(DirectoryReleaseSource.manifestPath(1));
            String text = Files.readString(file).replace("version 2\n", "version 9\n");
            Files.writeString(file, text);
            refused("tampered manifest", f.client("a"), "a", Reason.MANIFEST_SIGNATURE);
        }
    }

    @Test
    void tooFewReleaseSignatures() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2, 1, 3);
            UpdateRefused e = refused("manifest signed by too few release keys", f.client("a"), "a",
                    Reason.RELEASE_THRESHOLD);
            assertThat(e.getMessage()).contains("signed by 1 release key(s), the policy needs 2");
        }
    }

    @Test
    void unknownSignersDoNotCountTowardsTheThreshold() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            SignerKey stranger = SignerKey.fromSeed(f.releaseKeys[1].name(), SignatureType.ED25519,
                    ReleaseFixture.seed(77)); // a trusted key's name, another key
            ReleaseManifest m = ReleaseManifest.of(ReleaseFixture.CHANNEL, 2, "1.0.0", f.last.hash(), f.last.artifacts());
            f.appendRaw(Notes.sign(m.format(), f.releaseKeys[0], stranger));
            refused("one release key plus an impostor key", f.client("a"), "a", Reason.RELEASE_THRESHOLD);
        }
    }

    @Test
    void policyRefusesOneKeyListedTwice() throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(tmp)) {
            var k = f.releaseKeys[0].verifier();
            var renamed = dev.vigil.updates.note.VerifierKey.ed25519("other-name", k.publicKey());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReleasePolicy(2, List.of(k, renamed),
                    ReleaseFixture.ORIGIN, f.logKey.verifier(), ReleasePolicy.kOfN(1, List.of(f.witnesses[0].verifier())),
                    Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void releaseNotInTheLog() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            ReleaseManifest v1 = f.last;
            f.publish(2);
            // A correctly signed release the log never saw, served in place of the logged one.
            f.last = v1;
            ReleaseManifest other = f.manifest(2, Map.of("daily.ndb", "Targeted.Implant:0:*:4142434445\n"));
            for (ReleaseManifest.Artifact a : other.artifacts()) {
                Files.copy(f.files(other).get(a.name()), f.wwwFile(DirectoryReleaseSource.artifactPath(a)));
            }
            Note signed = Notes.sign(other.format(), f.releaseKeys[0], f.releaseKeys[1]);
            Files.write(f.wwwFile(DirectoryReleaseSource.manifestPath(1)), signed.format());
            refused("release not in the log", f.client("a"), "a", Reason.NOT_IN_LOG);
        }
    }

    @Test
    void forkedLogSameSize() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            UpdateClient a = f.client("a");
            a.update();
            // The log key holder runs a second log with the same origin and key, showing this client another size-2
            // tree. Witnesses that never saw the first log cosign it.
            try (ReleaseFixture fork = new ReleaseFixture(tmp, "www-fork", "logstate-fork", 1)) {
                fork.publish(1);
                fork.last = null;
                fork.log.append("junk entry\n".getBytes(StandardCharsets.UTF_8));
                fork.log.checkpoint(fork.logKey);
                fork.cosign(3);
                // Witnesses that did see the first log refuse the fork: only separate (or colluding) witnesses sign it.
                byte[] forkCheckpoint = Notes.sign(Note.parse(Files.readAllBytes(fork.wwwFile(LogWriter.CHECKPOINT)))
                        .text(), fork.logKey).format();
                assertThat(f.submit(0, forkCheckpoint).status()).isEqualTo(422);
                ReleaseFixture.ForwardingSource mirror = new ReleaseFixture.ForwardingSource(
                        new DirectoryReleaseSource(fork.www.root()));
                UpdateClient viaFork = f.client("a", mirror);
                UpdateRefused e = refused("forked log (same size, other root)", viaFork, "a", Reason.LOG_FORK);
                assertThat(e.getMessage()).contains("forked");
            }
        }
    }

    @Test
    void forkedLogLarger() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            try (ReleaseFixture fork = new ReleaseFixture(tmp, "www-fork", "logstate-fork", 1)) {
                fork.publish(1); // another release 1 than the one client "a" installed
                fork.publish(2);
                fork.publish(3);
                UpdateClient viaFork = f.client("a", new DirectoryReleaseSource(fork.www.root()));
                refused("forked log (split view, larger tree)", viaFork, "a", Reason.LOG_FORK);
            }
        }
    }

    @Test
    void rolledBackVersion() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            f.client("a").update();
            // Release 1's files again as a new entry: version 1 after version 2.
            ReleaseManifest old = ReleaseManifest.of(ReleaseFixture.CHANNEL, 1, "1.0.0", f.last.hash(),
                    f.last.artifacts());
            f.appendRaw(Notes.sign(old.format(), f.releaseKeys[0], f.releaseKeys[1]));
            refused("rolled-back version", f.client("a"), "a", Reason.VERSION_ROLLBACK);
        }
    }

    @Test
    void rolledBackLog() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            byte[] oldCheckpoint = Files.readAllBytes(f.wwwFile(LogWriter.CHECKPOINT));
            f.publish(2);
            f.client("a").update();
            Files.write(f.wwwFile(LogWriter.CHECKPOINT), oldCheckpoint);
            refused("rolled-back log (older checkpoint replayed)", f.client("a"), "a", Reason.LOG_ROLLBACK);
        }
    }

    @Test
    void brokenChain() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            ReleaseManifest m = ReleaseManifest.of(ReleaseFixture.CHANNEL, 2, "1.0.0", new byte[32],
                    f.last.artifacts());
            f.appendRaw(Notes.sign(m.format(), f.releaseKeys[0], f.releaseKeys[1]));
            refused("previous-manifest hash does not chain", f.client("a"), "a", Reason.BROKEN_CHAIN);
        }
    }

    @Test
    void staleCheckpoint() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            f.clock.advance(Duration.ofDays(1).plusSeconds(1));
            UpdateRefused e = refused("stale (frozen) checkpoint", f.client("a"), "a", Reason.STALE_CHECKPOINT);
            assertThat(e.getMessage()).contains("2026-11-01T00:00:00Z");
            f.clock.advance(Duration.ofSeconds(-1));
            assertThat(f.client("a").update()).isPresent(); // exactly at the limit is still fresh
        }
    }

    @Test
    void futureDatedCosignatures() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.clock.advance(Duration.ofDays(2));
            f.publish(2); // witnesses whose clocks run two days ahead
            f.clock.advance(Duration.ofDays(-2));
            UpdateRefused e = refused("cosignatures dated in the future", f.client("a"), "a",
                    Reason.STALE_CHECKPOINT);
            assertThat(e.getMessage()).contains("dated in the future");
            f.clock.advance(Duration.ofDays(2).minus(UpdateClient.MAX_CLOCK_SKEW));
            assertThat(f.client("a").update()).isPresent(); // within the allowed skew they count
        }
    }

    @Test
    void truncatedTile() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            Path tile = f.wwwFile("tile/0/000.p/2");
            assertThat(tile).exists();
            Files.write(tile, java.util.Arrays.copyOf(Files.readAllBytes(tile), 40));
            refused("truncated tile", f.client("a"), "a", Reason.BAD_LOG_DATA);
        }
    }

    @Test
    void oversizedArtifact() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            // An endless download: the client must stop one byte past the declared size.
            ReleaseFixture.ForwardingSource mirror = new ReleaseFixture.ForwardingSource(
                    new DirectoryReleaseSource(f.www.root())) {
                @Override
                public InputStream artifact(ReleaseManifest.Artifact artifact) {
                    return new InputStream() {
                        @Override
                        public int read() {
                            return 'A';
                        }

                        @Override
                        public int read(byte[] b, int off, int len) {
                            java.util.Arrays.fill(b, off, off + len, (byte) 'A');
                            return len;
                        }
                    };
                }
            };
            refused("oversized (endless) artifact", f.client("a", mirror), "a", Reason.ARTIFACT_TOO_LARGE);
        }
    }

    @Test
    void witnessQuorumNotMet() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2, 2, 1);
            refused("witness quorum not met", f.client("a"), "a", Reason.WITNESS_QUORUM);
        }
    }

    @Test
    void wrongLogKey() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            f.publish(2);
            // The checkpoint re-signed by another key under the log's name, with genuine witness cosignatures.
            SignerKey impostor = SignerKey.fromSeed(ReleaseFixture.ORIGIN, SignatureType.ED25519, ReleaseFixture.seed(99));
            Note cp = Note.parse(Files.readAllBytes(f.wwwFile(LogWriter.CHECKPOINT)));
            List<dev.vigil.updates.note.NoteSignature> witnessSigs = new ArrayList<>(cp.signatures().subList(1, 4));
            Note forged = Notes.sign(cp.text(), witnessSigs, impostor);
            Files.write(f.wwwFile(LogWriter.CHECKPOINT), forged.format());
            UpdateRefused e = refused("wrong log key", f.client("a"), "a", Reason.LOG_SIGNATURE);
            assertThat(e.getMessage()).contains("not signed by the log key");
        }
    }

    @Test
    void clientPinnedToAnotherLogKey() throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(tmp)) {
            f.publish(1);
            SignerKey other = SignerKey.fromSeed(ReleaseFixture.ORIGIN, SignatureType.ED25519, ReleaseFixture.seed(98));
            UpdateClient c = f.client("b", new DirectoryReleaseSource(f.www.root()), f.policy(other.verifier()));
            refused("log signed by a key the client did not pin", c, "b", Reason.LOG_SIGNATURE);
        }
    }

    @Test
    void engineTooOld() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            ReleaseManifest m = ReleaseManifest.of(ReleaseFixture.CHANNEL, 2, "2.1", f.last.hash(), f.last.artifacts());
            f.appendRaw(Notes.sign(m.format(), f.releaseKeys[1], f.releaseKeys[2]));
            refused("release needs a newer engine", f.client("a"), "a", Reason.ENGINE_TOO_OLD);
        }
    }

    @Test
    void leftoversOfACrashedUpdateAreCleanedAndTheReleaseInstalled() throws Exception {
        try (ReleaseFixture f = installedV1()) {
            Path install = tmp.resolve("client-a/install");
            Files.createDirectories(install.resolve(".staging-crashed"));
            Files.writeString(install.resolve(".staging-crashed/daily.ndb"), "half written");
            f.publish(2);
            assertThat(f.client("a").update()).isPresent();
            try (Stream<Path> s = Files.list(install)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("current", "releases");
            }
        }
    }

    @Test
    void stateSurvivesReloadAndIsCanonical(@TempDir Path other) throws Exception {
        try (ReleaseFixture f = installedV1()) {
            TrustedState s = f.client("a").state();
            assertThat(TrustedState.parse(s.format())).isEqualTo(s);
            assertThat(s.checkpoint()).isEqualTo(Checkpoint.parse(Note.parse(
                    Files.readAllBytes(f.wwwFile(LogWriter.CHECKPOINT))).text()));
        }
    }
}
