package dev.vigil.updates.http;

import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.release.Publisher;
import dev.vigil.updates.release.ReleaseManifest;
import dev.vigil.updates.release.ReleasePolicy;
import dev.vigil.updates.release.ReleaseSource;
import dev.vigil.updates.release.UpdateClient;
import dev.vigil.updates.tiles.DirectoryTiles;
import dev.vigil.updates.witness.DirectoryWitnessState;
import dev.vigil.updates.witness.Witness;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A publisher's side for the HTTP tests: 3 release keys (policy 2 of 3), a log written into {@code www}, and 3
 * witness keys (quorum 2 of 3) with their witnesses' state directories. Keys come from fixed seeds.
 */
final class Site implements Closeable {
    static final String ORIGIN = "updates.vigil.test/http-log";
    static final String CHANNEL = "stable";

    final Path root;
    final SignerKey[] releaseKeys = new SignerKey[3];
    final SignerKey[] witnessKeys = new SignerKey[3];
    final SignerKey logKey;
    final DirectoryTiles www;
    final LogWriter log;
    final Publisher publisher;
    private ReleaseManifest last;

    Site(Path root) throws Exception {
        this.root = root;
        for (int i = 0; i < 3; i++) {
            releaseKeys[i] = SignerKey.fromSeed("release-" + i + ".vigil.test", SignatureType.ED25519, seed(10 + i));
            witnessKeys[i] = SignerKey.fromSeed("witness-" + i + ".vigil.test", SignatureType.COSIGNATURE_V1,
                    seed(20 + i));
        }
        logKey = SignerKey.fromSeed(ORIGIN, SignatureType.ED25519, seed(1));
        www = new DirectoryTiles(Files.createDirectories(root.resolve("www")));
        log = LogWriter.open(root.resolve("logstate"), ORIGIN, www);
        publisher = new Publisher(log, www);
    }

    static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        s[31] = 0x33;
        return s;
    }

    /** Witness {@code i}: trusts this log's key, keeps its state under root/witness-i, signs with the real clock. */
    Witness witness(int i) {
        return new Witness(witnessKeys[i], Map.of(ORIGIN, List.<NoteVerifier>of(logKey.verifier())),
                new DirectoryWitnessState(root.resolve("witness-" + i)), Clock.systemUTC());
    }

    ReleasePolicy policy() {
        List<VerifierKey> keys = new ArrayList<>();
        List<VerifierKey> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keys.add(releaseKeys[i].verifier());
            ws.add(witnessKeys[i].verifier());
        }
        return new ReleasePolicy(2, keys, ORIGIN, logKey.verifier(), ReleasePolicy.kOfN(2, ws), Duration.ofDays(1));
    }

    UpdateClient client(String name, ReleaseSource source) {
        Path dir = root.resolve("client-" + name);
        return new UpdateClient(policy(), CHANNEL, "1.0.0", source, dir.resolve("state"), dir.resolve("install"),
                Clock.systemUTC());
    }

    /** The contents of release {@code version}'s artifacts. */
    static Map<String, String> contents(long version) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("daily.ndb", "Vigil.Http.Sig" + version + ":0:*:" + Long.toHexString(version * 0x9e3779b9L) + "\n");
        m.put("main.hdb", "44d88612fea8a8f36de82e1278abb02f:68:Eicar\n");
        return m;
    }

    /** Publishes release {@code version} signed by 2 release keys; the checkpoint is log-signed only. */
    Publisher.Published publish(long version) throws Exception {
        Path src = Files.createDirectories(root.resolve("src-" + version));
        List<ReleaseManifest.Artifact> arts = new ArrayList<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : contents(version).entrySet()) {
            byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
            Path p = src.resolve(e.getKey());
            Files.write(p, data);
            arts.add(new ReleaseManifest.Artifact(e.getKey(), data.length,
                    MessageDigest.getInstance("SHA-256").digest(data)));
            files.put(e.getKey(), p);
        }
        ReleaseManifest m = ReleaseManifest.of(CHANNEL, version, "1.0.0", last == null ? null : last.hash(), arts);
        Publisher.Published p = publisher.publish(m, files, logKey, List.of(releaseKeys[0], releaseKeys[1]));
        last = m;
        return p;
    }

    Note publishedCheckpoint() throws Exception {
        return Note.parse(www.read(LogWriter.CHECKPOINT, 1 << 16));
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
