package dev.vigil.updates.http;

import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.release.TrustedState;
import dev.vigil.updates.release.UpdateClient;
import dev.vigil.updates.release.UpdateRefused;
import dev.vigil.updates.release.UpdateRefused.Reason;
import dev.vigil.updates.tiles.BadTileException;
import dev.vigil.updates.tiles.TileReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client that installed release 1 updates to release 2 through a mirror that misbehaves at the HTTP level. Each
 * attack must end in an UpdateRefused that says what happened, quickly, with the installed release and the trusted
 * state byte for byte unchanged.
 */
class HostileMirrorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    @TempDir
    Path tmp;
    private Site site;
    private MirrorServer mirror;
    private UpdateClient client;
    private HttpReleaseSource source;

    @BeforeEach
    void installFirstReleaseThenPublishSecond() throws Exception {
        site = new Site(tmp);
        mirror = new MirrorServer(site.www.root());
        try (WitnessServer w0 = WitnessServer.start(site.witness(0));
             WitnessServer w1 = WitnessServer.start(site.witness(1));
             WitnessClient c0 = new WitnessClient(w0.uri(), site.witnessKeys[0].verifier(), TIMEOUT);
             WitnessClient c1 = new WitnessClient(w1.uri(), site.witnessKeys[1].verifier(), TIMEOUT)) {
            WitnessClient.cosignAndPublish(site.publisher, site.publish(1).checkpoint(), List.of(c0, c1), 2, 0,
                    site.www);
            try (HttpReleaseSource honest = new HttpReleaseSource(mirror.uri())) {
                assertThat(site.client("c", honest).update()).isPresent();
            }
            WitnessClient.cosignAndPublish(site.publisher, site.publish(2).checkpoint(), List.of(c0, c1), 2, 1,
                    site.www);
        }
        source = new HttpReleaseSource(mirror.uri(), TIMEOUT, Duration.ofMillis(2500));
        client = site.client("c", source);
    }

    @AfterEach
    void stop() throws IOException {
        source.close();
        mirror.close();
        site.close();
    }

    /** Runs the update against the hostile mirror and checks the refusal left everything as it was. */
    private UpdateRefused refused(Reason reason) throws Exception {
        Map<String, String> before = snapshot();
        long start = System.nanoTime();
        UpdateRefused e = org.junit.jupiter.api.Assertions.assertThrows(UpdateRefused.class, client::update);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(client.state().version()).isEqualTo(1);
        return e;
    }

    /** Every file of the client (state, installed releases, symlink target) by path. */
    private Map<String, String> snapshot() throws IOException {
        Path dir = tmp.resolve("client-c");
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String key = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p) && !key.endsWith(".lock")) {
                    out.put(key, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }

    @Test
    void honestMirrorInstallsTheSecondRelease() throws Exception {
        assertThat(client.update()).get().extracting(r -> r.manifest().version()).isEqualTo(2L);
    }

    @Test
    void endlessCheckpointIsCutAtItsLimit() throws Exception {
        mirror.misbehave(p -> p.equals(LogWriter.CHECKPOINT), MirrorServer::endless);
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("checkpoint is larger than 65536 bytes");
    }

    @Test
    void endlessTileIsCutAtItsLimit() throws Exception {
        mirror.misbehave(p -> p.startsWith("tile/0/"), MirrorServer::endless);
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("is larger than 64 bytes");
    }

    @Test
    void oversizedTileWithHonestContentLengthIsRefused() throws Exception {
        mirror.misbehave(p -> p.startsWith("tile/0/"), (ex, file) -> {
            byte[] data = Files.readAllBytes(file);
            byte[] bigger = java.util.Arrays.copyOf(data, data.length + 32);
            ex.sendResponseHeaders(200, bigger.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bigger);
            }
        });
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("is larger than 64 bytes");
    }

    @Test
    void truncatedTileIsRefused() throws Exception {
        // Announces the right length, sends half, and hangs up.
        mirror.misbehave(p -> p.startsWith("tile/0/"), (ex, file) -> {
            byte[] data = Files.readAllBytes(file);
            ex.sendResponseHeaders(200, data.length);
            OutputStream out = ex.getResponseBody();
            out.write(data, 0, data.length / 2);
            out.flush();
            ex.getHttpContext().getServer(); // keep the exchange open; closing it below cuts the connection
            throw new IOException("hang up");
        });
        refused(Reason.BAD_LOG_DATA);
    }

    @Test
    void shortTileWithMatchingContentLengthIsRefused() throws Exception {
        mirror.misbehave(p -> p.startsWith("tile/0/"), (ex, file) -> {
            byte[] data = Files.readAllBytes(file);
            ex.sendResponseHeaders(200, data.length - 24);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(data, 0, data.length - 24);
            }
        });
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("has 40 bytes, expected 64");
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        mirror.misbehave(p -> p.equals(LogWriter.CHECKPOINT), (ex, file) -> Thread.sleep(30_000));
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("timed out");
    }

    @Test
    void tricklingBodyHitsTheDeadline() throws Exception {
        mirror.misbehave(p -> p.equals(LogWriter.CHECKPOINT), (ex, file) -> {
            byte[] data = Files.readAllBytes(file);
            ex.sendResponseHeaders(200, data.length);
            OutputStream out = ex.getResponseBody();
            for (byte b : data) {
                out.write(b);
                out.flush();
                Thread.sleep(200);
            }
            out.close();
        });
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("was not received within PT2.5S");
    }

    @Test
    void tricklingArtifactHitsItsDeadline() throws Exception {
        mirror.misbehave(p -> p.startsWith("artifact/"), (ex, file) -> {
            byte[] data = Files.readAllBytes(file);
            ex.sendResponseHeaders(200, data.length);
            OutputStream out = ex.getResponseBody();
            for (byte b : data) {
                out.write(b);
                out.flush();
                Thread.sleep(200);
            }
            out.close();
        });
        assertThat(refused(Reason.ARTIFACT_MISMATCH)).hasMessageContaining("was not received within");
    }

    @Test
    void endlessArtifactIsCutAfterItsDeclaredSize() throws Exception {
        mirror.misbehave(p -> p.startsWith("artifact/"), MirrorServer::endless);
        assertThat(refused(Reason.ARTIFACT_TOO_LARGE)).hasMessageContaining("is larger than its declared");
    }

    @Test
    void redirectToAnotherHostIsNotFollowed() throws Exception {
        try (MirrorServer other = new MirrorServer(site.www.root())) {
            URI elsewhere = other.uriAsLocalhost().resolve(LogWriter.CHECKPOINT);
            mirror.misbehave(p -> p.equals(LogWriter.CHECKPOINT), (ex, file) -> {
                ex.getResponseHeaders().set("Location", elsewhere.toString());
                ex.sendResponseHeaders(302, -1);
            });
            assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("redirect (302), which is not followed");
            assertThat(other.requests).isEmpty();
        }
    }

    @Test
    void htmlInsteadOfTheManifestIsRefused() throws Exception {
        mirror.misbehave(p -> p.startsWith("manifest/"), (ex, file) -> {
            byte[] page = "<html><body>Welcome to our mirror!</body></html>\n".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(page);
            }
        });
        refused(Reason.MANIFEST_SIGNATURE);
    }

    @Test
    void serverErrorIsAReadFailure() throws Exception {
        mirror.misbehave(p -> p.startsWith("manifest/"), (ex, file) -> ex.sendResponseHeaders(503, -1));
        assertThat(refused(Reason.BAD_LOG_DATA)).hasMessageContaining("answered HTTP status 503");
    }

    @Test
    void missingFilesAreNoSuchFileAndAMissingPartialTileFallsBackToTheFullTile() throws Exception {
        // Grow the log past one full tile; the partial tile a client of size 200 asks for is not served.
        for (int i = 0; i < 300; i++) {
            site.log.append(("entry " + i).getBytes(StandardCharsets.US_ASCII));
        }
        site.log.checkpoint(site.logKey);
        mirror.misbehave(p -> p.contains(".p/"), (ex, file) -> ex.sendResponseHeaders(404, -1));
        byte[] expected = new MerkleTree(new TileReader(site.www, 200)).root(200);
        assertThat(new MerkleTree(new TileReader(source, 200)).root(200)).isEqualTo(expected);
        assertThat(mirror.requests).contains("tile/0/000.p/200", "tile/0/000");
        assertThatThrownBy(() -> source.read("tile/0/000.p/200", 64 * 32)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> source.manifest(9999, 100)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> source.read("tile/0/000", 100)).isInstanceOf(BadTileException.class)
                .hasMessageContaining("larger than 100 bytes");
    }

    @Test
    void pathsAndBaseUrlsThatCouldLeaveTheMirrorAreRefused() {
        int before = mirror.requests.size();
        for (String bad : List.of("../checkpoint", "tile/../../etc/passwd", "/checkpoint", "tile//0", "a?b=c",
                "a#b", "http://evil.example/x", "%2e%2e/x", "tile\\0", "")) {
            assertThatThrownBy(() -> source.read(bad, 100)).as(bad).isInstanceOf(IOException.class)
                    .hasMessageContaining("unsafe path");
        }
        assertThat(mirror.requests).hasSize(before);
        for (String bad : List.of("ftp://example.org/", "file:///tmp/", "http://example.org/?q=1",
                "http://user@example.org/", "http:relative", "http://example.org/#frag")) {
            assertThatThrownBy(() -> new HttpReleaseSource(URI.create(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new HttpReleaseSource(URI.create("https://example.org/vigil")).base())
                .isEqualTo(URI.create("https://example.org/vigil/"));
    }
}
