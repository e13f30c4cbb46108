package dev.vigil.updates.http;

import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.Verifiers;
import dev.vigil.updates.tiles.TileReader;
import dev.vigil.updates.witness.AddCheckpointRequest;
import dev.vigil.updates.witness.SignatureLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The tlog-witness HTTP protocol of WitnessServer, spoken by a plain HTTP client and by raw sockets. */
class WitnessServerTest {
    @TempDir
    Path tmp;
    private Site site;
    private WitnessServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        site = new Site(tmp);
        server = WitnessServer.start(site.witness(0));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        site.close();
        http.close();
    }

    private HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> addCheckpoint(long oldSize, List<byte[]> proof, Note checkpoint) throws Exception {
        return post("add-checkpoint", new AddCheckpointRequest(oldSize, proof, checkpoint.format()).format());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String type(HttpResponse<byte[]> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    @Test
    void cosignsAndAnswersConflictsWithTheSize() throws Exception {
        site.publish(1);
        Note cp1 = site.publishedCheckpoint();
        HttpResponse<byte[]> ok = addCheckpoint(0, List.of(), cp1);
        assertThat(ok.statusCode()).as(text(ok)).isEqualTo(200);
        List<NoteSignature> lines = SignatureLines.parse(ok.body());
        // The lines verify with the witness key over the checkpoint (appended to it, as the spec suggests).
        Notes.check(Note.of(cp1.text(), lines), Verifiers.of(site.witnessKeys[0].verifier()));

        HttpResponse<byte[]> conflict = addCheckpoint(0, List.of(), cp1);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(type(conflict)).isEqualTo("text/x.tlog.size");
        assertThat(text(conflict)).isEqualTo("1\n");

        site.publish(2);
        site.publish(3);
        Note cp3 = site.publishedCheckpoint();
        List<byte[]> proof = new MerkleTree(new TileReader(site.www, 3)).consistencyProof(1, 3);
        List<byte[]> badProof = new ArrayList<>(proof);
        badProof.set(0, new byte[32]);
        assertThat(addCheckpoint(1, badProof, cp3).statusCode()).isEqualTo(422);
        assertThat(addCheckpoint(4, List.of(), cp3).statusCode()).isEqualTo(400);
        assertThat(addCheckpoint(1, proof, cp3).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesWrongMethodsPathsBodiesLogsAndSignatures() throws Exception {
        site.publish(1);
        Note cp = site.publishedCheckpoint();
        HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(server.uri().resolve("add-checkpoint")).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<byte[]> put = http.send(HttpRequest.newBuilder(server.uri().resolve("add-checkpoint"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[3])).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(put.statusCode()).isEqualTo(405);

        assertThat(post("sign-subtree", new byte[0]).statusCode()).isEqualTo(404);
        assertThat(post("add-checkpoint/", new byte[0]).statusCode()).isEqualTo(404);
        assertThat(post("add-checkpoint?x=1", new byte[0]).statusCode()).isEqualTo(404);

        assertThat(post("add-checkpoint", "hello\n".getBytes(StandardCharsets.US_ASCII)).statusCode()).isEqualTo(400);
        assertThat(post("add-checkpoint", new byte[0]).statusCode()).isEqualTo(400);

        SignerKey otherLog = SignerKey.fromSeed("other.vigil.test/log", SignatureType.ED25519, Site.seed(50));
        Note foreign = SignedCheckpoint.sign(new Checkpoint("other.vigil.test/log", 1, new byte[32]), otherLog);
        HttpResponse<byte[]> unknown = addCheckpoint(0, List.of(), foreign);
        assertThat(unknown.statusCode()).isEqualTo(404);

        SignerKey rogue = SignerKey.fromSeed(Site.ORIGIN, SignatureType.ED25519, Site.seed(51));
        Note forged = Notes.sign(cp.text(), rogue);
        assertThat(addCheckpoint(0, List.of(), forged).statusCode()).isEqualTo(403);

        // Nothing above changed the witness: the real checkpoint is still accepted from size 0.
        assertThat(addCheckpoint(0, List.of(), cp).statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedBodiesAre413BeforeOrWhileReading() throws Exception {
        String announced = rawExchange("POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + (WitnessServer.MAX_BODY + 1) + "\r\n\r\n", new byte[0]);
        assertThat(announced).startsWith("HTTP/1.1 413");

        // Chunked, so the length is only known by reading: the server stops after its limit.
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (int sent = 0; sent <= WitnessServer.MAX_BODY; sent += chunk.length) {
            body.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(chunk);
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String streamed = rawExchange("POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                body.toByteArray());
        assertThat(streamed).startsWith("HTTP/1.1 413");
    }

    @Test
    void aClientTooSlowToSendItsRequestIsDisconnected() throws Exception {
        server.close();
        server = WitnessServer.start(site.witness(0), HttpSupport.loopback(0), 1, Duration.ofMillis(300));
        long start = System.nanoTime();
        try (Socket s = new Socket(server.uri().getHost(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nold".getBytes(
                    StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // The single thread is free again.
        site.publish(1);
        assertThat(addCheckpoint(0, List.of(), site.publishedCheckpoint()).statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentRequestsForOneOriginNeverRollTheStateBack() throws Exception {
        List<Note> checkpoints = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            site.publish(v);
            checkpoints.add(site.publishedCheckpoint());
        }
        // Every size from 0 at once: exactly one wins, the others learn its size.
        List<Callable<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (Note cp : checkpoints) {
                calls.add(() -> addCheckpoint(0, List.of(), cp));
            }
        }
        Collections.shuffle(calls, new java.util.Random(7));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        try {
            for (Future<HttpResponse<byte[]>> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<HttpResponse<byte[]>> won = answers.stream().filter(r -> r.statusCode() == 200).toList();
        assertThat(won).hasSize(1);
        Note winner = null;
        for (Note cp : checkpoints) {
            try {
                Notes.check(Note.of(cp.text(), SignatureLines.parse(won.get(0).body())),
                        Verifiers.of(site.witnessKeys[0].verifier()));
                winner = cp;
            } catch (dev.vigil.updates.VerificationException notThisOne) {
                // the cosignature is over another size
            }
        }
        assertThat(winner).isNotNull();
        long size = Checkpoint.parse(winner.text()).size();
        assertThat(answers).filteredOn(r -> r.statusCode() != 200)
                .allSatisfy(r -> {
                    assertThat(r.statusCode()).isEqualTo(409);
                    assertThat(text(r)).isEqualTo(size + "\n");
                });
    }

    @Test
    void stateSurvivesARestart() throws Exception {
        site.publish(1);
        site.publish(2);
        Note cp2 = site.publishedCheckpoint();
        assertThat(addCheckpoint(0, List.of(), cp2).statusCode()).isEqualTo(200);
        server.close();
        server = WitnessServer.start(site.witness(0));
        HttpResponse<byte[]> conflict = addCheckpoint(0, List.of(), cp2);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(text(conflict)).isEqualTo("2\n");
        site.publish(3);
        Note cp3 = site.publishedCheckpoint();
        List<byte[]> proof = new MerkleTree(new TileReader(site.www, 3)).consistencyProof(2, 3);
        assertThat(addCheckpoint(2, proof, cp3).statusCode()).isEqualTo(200);
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }

    /** Sends raw bytes and returns the status line of the answer. */
    private String rawExchange(String head, byte[] body) throws IOException {
        try (Socket s = new Socket(server.uri().getHost(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body);
                out.flush();
            } catch (IOException serverStoppedReading) {
                // it may answer and close before everything is sent; the answer is still there to read
            }
            InputStream in = s.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                statusLine.append((char) c);
            }
            return statusLine.toString();
        }
    }
}
