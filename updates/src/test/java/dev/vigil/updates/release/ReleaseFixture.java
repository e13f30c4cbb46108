package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.tiles.TileReader;
import dev.vigil.updates.witness.AddCheckpointRequest;
import dev.vigil.updates.witness.DirectoryWitnessState;
import dev.vigil.updates.witness.SignatureLines;
import dev.vigil.updates.witness.Witness;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.tiles.DirectoryTiles;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A publisher with 3 release keys (policy 2 of 3), a log, 3 witnesses (quorum 2 of 3) and a settable clock, plus
 * clients reading its release directory. Keys are derived from fixed seeds so runs are reproducible.
 */
final class ReleaseFixture implements Closeable {
    static final String ORIGIN = "updates.vigil.test/log";
    static final String CHANNEL = "stable";
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    final Path root;
    final SignerKey[] releaseKeys = new SignerKey[3];
    final SignerKey[] witnesses = new SignerKey[3];
    final SignerKey logKey;
    final DirectoryTiles www;
    final LogWriter log;
    final Publisher publisher;
    final MutableClock clock = new MutableClock(START);
    final DirectoryWitnessState[] witnessStates = new DirectoryWitnessState[3];
    final Witness[] witnessServers = new Witness[3];
    private final int salt;
    ReleaseManifest last;

    ReleaseFixture(Path root) throws Exception {
        this(root, "www", "logstate", 0);
    }

    /** Fixtures share keys and origin (for forks); {@code salt} changes the published signature contents. */
    ReleaseFixture(Path root, String wwwName, String stateName, int salt) throws Exception {
        this.root = root;
        this.salt = salt;
        for (int i = 0; i < 3; i++) {
            releaseKeys[i] = SignerKey.fromSeed("release-" + i + ".vigil.test", SignatureType.ED25519, seed(10 + i));
            witnesses[i] = SignerKey.fromSeed("witness-" + i + ".vigil.test", SignatureType.COSIGNATURE_V1, seed(20 + i));
        }
        logKey = SignerKey.fromSeed(ORIGIN, SignatureType.ED25519, seed(1));
        for (int i = 0; i < 3; i++) {
            witnessStates[i] = new DirectoryWitnessState(root.resolve(stateName + "-witness-" + i));
            witnessServers[i] = new Witness(witnesses[i], Map.of(ORIGIN, List.of(logKey.verifier())),
                    witnessStates[i], clock);
        }
        www = new DirectoryTiles(root.resolve(wwwName));
        log = LogWriter.open(root.resolve(stateName), ORIGIN, www);
        publisher = new Publisher(log, www);
    }

    static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        s[31] = 0x5a;
        return s;
    }

    ReleasePolicy policy() {
        return policy(logKey.verifier());
    }

    ReleasePolicy policy(VerifierKey pinnedLogKey) {
        List<VerifierKey> keys = new ArrayList<>();
        for (SignerKey k : releaseKeys) {
            keys.add(k.verifier());
        }
        List<VerifierKey> ws = new ArrayList<>();
        for (SignerKey w : witnesses) {
            ws.add(w.verifier());
        }
        return new ReleasePolicy(2, keys, ORIGIN, pinnedLogKey, ReleasePolicy.kOfN(2, ws), Duration.ofDays(1));
    }

    UpdateClient client(String name) {
        return client(name, new DirectoryReleaseSource(www.root()));
    }

    UpdateClient client(String name, ReleaseSource source) {
        return client(name, source, policy());
    }

    UpdateClient client(String name, ReleaseSource source, ReleasePolicy policy) {
        Path dir = root.resolve("client-" + name);
        return new UpdateClient(policy, CHANNEL, "1.0.0", source, dir.resolve("state"), dir.resolve("install"), clock);
    }

    /** Writes artifact files and the manifest naming them, following the last published release. */
    ReleaseManifest manifest(long version, Map<String, String> contents) throws IOException, FormatException {
        Path src = Files.createDirectories(root.resolve("src-" + version + "-" + System.nanoTime()));
        List<ReleaseManifest.Artifact> arts = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(contents).entrySet()) {
            byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
            Files.write(src.resolve(e.getKey()), data);
            arts.add(new ReleaseManifest.Artifact(e.getKey(), data.length, ReleaseManifest.sha256(data)));
        }
        lastSource = src;
        return ReleaseManifest.of(CHANNEL, version, "1.0.0", last == null ? null : last.hash(), arts);
    }

    private Path lastSource;

    Map<String, Path> files(ReleaseManifest m) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (ReleaseManifest.Artifact a : m.artifacts()) {
            out.put(a.name(), lastSource.resolve(a.name()));
        }
        return out;
    }

    /** Publishes a release signed by {@code signers} release keys and cosigned by {@code cosigners} witnesses. */
    Publisher.Published publish(long version, int signers, int cosigners) throws Exception {
        ReleaseManifest m = manifest(version, Map.of("daily.ndb", "Vigil.Test.Sig" + version + ":0:*:" + "00".repeat(salt)
                + Long.toHexString(version * 0x1234567L) + "\n", "main.hdb", "44d88612fea8a8f36de82e1278abb02f:68:Eicar\n"));
        Publisher.Published p = publisher.publish(m, files(m), logKey, List.of(releaseKeys).subList(0, signers));
        last = m;
        cosign(cosigners);
        return p;
    }

    Publisher.Published publish(long version) throws Exception {
        return publish(version, 2, 3);
    }

    /**
     * The first {@code cosigners} witnesses cosign the published checkpoint at the clock's time, through the real
     * tlog-witness add-checkpoint logic (consistency proof from the size each witness last saw).
     */
    void cosign(int cosigners) throws Exception {
        byte[] published = www.read(LogWriter.CHECKPOINT, 1 << 16);
        Note cp = Note.parse(published);
        byte[] logSigned = Notes.sign(cp.text(), logKey).format();
        List<NoteSignature> sigs = new ArrayList<>(cp.signatures());
        for (int i = 0; i < cosigners; i++) {
            Witness.Response r = submit(i, logSigned);
            if (r.status() != 200) {
                throw new AssertionError("witness " + i + " refused: " + r.status() + " " + r.bodyText());
            }
            for (NoteSignature line : SignatureLines.parse(r.body())) {
                sigs.removeIf(s -> s.name().equals(line.name()) && s.keyId() == line.keyId());
                sigs.add(line);
            }
        }
        publisher.publishCosigned(Note.of(cp.text(), sigs));
    }

    /** Sends a log-signed checkpoint to witness {@code i} with a proof from the size that witness last cosigned. */
    Witness.Response submit(int i, byte[] checkpointNote) throws Exception {
        Checkpoint body = Checkpoint.parse(Note.parse(checkpointNote).text());
        Checkpoint seen = witnessStates[i].latest(ORIGIN);
        long old = seen == null ? 0 : seen.size();
        List<byte[]> proof = old == 0 || old >= body.size() ? List.of()
                : new MerkleTree(new TileReader(www, body.size())).consistencyProof(old, body.size());
        return witnessServers[i].addCheckpoint(new AddCheckpointRequest(old, proof, checkpointNote).format());
    }

    /** The raw log path: an attacker holding the log key appends whatever it likes. */
    void appendRaw(Note signedManifest) throws Exception {
        long index = log.size();
        www.put(DirectoryReleaseSource.manifestPath(index), signedManifest.format());
        log.append(signedManifest.format());
        log.checkpoint(logKey);
        cosign(3);
    }

    Path wwwFile(String path) {
        return www.root().resolve(path);
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A source that forwards to another, which tests swap or wrap to play a hostile mirror. */
    static class ForwardingSource implements ReleaseSource {
        ReleaseSource target;

        ForwardingSource(ReleaseSource target) {
            this.target = target;
        }

        @Override
        public byte[] read(String path, int maxBytes) throws IOException {
            return target.read(path, maxBytes);
        }

        @Override
        public byte[] manifest(long index, int maxBytes) throws IOException {
            return target.manifest(index, maxBytes);
        }

        @Override
        public InputStream artifact(ReleaseManifest.Artifact artifact) throws IOException {
            return target.artifact(artifact);
        }
    }
}
