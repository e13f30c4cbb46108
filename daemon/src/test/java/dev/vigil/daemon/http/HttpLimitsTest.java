package dev.vigil.daemon.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.vigil.daemon.http.TestSupport.EICAR;
import static dev.vigil.daemon.http.TestSupport.files;
import static dev.vigil.daemon.http.TestSupport.multipart;
import static dev.vigil.daemon.http.TestSupport.post;
import static dev.vigil.daemon.http.TestSupport.readReply;
import static dev.vigil.daemon.http.TestSupport.results;
import static dev.vigil.daemon.http.TestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

/** Size limits, malformed and truncated bodies, and clients too slow to be served: the server keeps its bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpLimitsTest {
    private static final int LIMIT = 1 << 20;

    @TempDir
    Path spool;

    private final List<HttpApiServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    private HttpApiServer start(HttpApiConfig.Builder config) throws IOException {
        HttpApiServer s = new HttpApiServer(config.port(0).spoolDirectory(spool).spoolThreshold(64 << 10)
                .maxBodyBytes(LIMIT).build(), TestSupport.defaultBackend()).start();
        servers.add(s);
        return s;
    }

    private Socket connect(HttpApiServer s, int readTimeoutMillis) throws IOException {
        Socket socket = TestSupport.connect(s, readTimeoutMillis);
        sockets.add(socket);
        return socket;
    }

    @AfterEach
    void closeAndCheckSpool() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        servers.forEach(HttpApiServer::close);
        try (var left = Files.list(spool)) {
            assertThat(left).as("temporary files left behind").isEmpty();
        }
    }

    @Test
    void declaredLengthOverTheLimitIs413BeforeAnyBodyIsSent() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        Socket socket = connect(s, 10_000);
        write(socket.getOutputStream(), "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream"
                + "\r\nContent-Length: " + (10L << 30) + "\r\n\r\n");
        TestSupport.RawReply reply = readReply(socket.getInputStream());
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.headers()).containsEntry("connection", "close");
        assertThat(reply.body()).contains("larger than the limit");
        // the server does not wait for the 10 GiB: it closes the connection soon
        assertThat(TestSupport.closedByPeer(socket)).isTrue();
    }

    @Test
    void limitIsExactForDeclaredLengths() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        assertThat(post(s, "/v1/scan", "application/octet-stream", new byte[LIMIT]).statusCode()).isEqualTo(200);
        assertThat(post(s, "/v1/scan", "application/octet-stream", new byte[LIMIT + 1]).statusCode())
                .isEqualTo(413);
    }

    @Test
    void chunkedBodyOverTheLimitIs413WhileStreaming() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        Socket socket = connect(s, 20_000);
        AtomicLong sent = new AtomicLong();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            OutputStream out = socket.getOutputStream();
            write(out, "POST /v1/scan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            Future<?> sending = writer.submit(() -> {
                byte[] chunk = new byte[64 << 10];
                byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    // up to 1 GiB, far more than the server may take
                    for (int i = 0; i < (1 << 14); i++) {
                        out.write(head);
                        out.write(chunk);
                        out.write('\r');
                        out.write('\n');
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException closedByServer) {
                    // expected once the server has answered and closed
                }
                return null;
            });
            TestSupport.RawReply reply = readReply(socket.getInputStream());
            assertThat(reply.status()).isEqualTo(413);
            assertThat(reply.headers()).containsEntry("connection", "close");
            assertThat(TestSupport.closedByPeer(socket)).isTrue();
            sending.get(20, TimeUnit.SECONDS);
            // what the client could push is the limit plus the drain and the socket buffers, not the gigabyte
            assertThat(sent.get()).isLessThan(64L << 20);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void chunkedBodyWithinTheLimitIsScanned() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        HttpResponse<String> r = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s, "/v1/scan"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(EICAR)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(results(r).get(0)).containsEntry("status", "FOUND");
    }

    @Test
    void multipartOverTheLimitIs413() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        byte[] body = multipart("xyz", files("a", new byte[LIMIT / 2], "b", new byte[LIMIT / 2]));
        assertThat(post(s, "/v1/scan", "multipart/form-data; boundary=xyz", body).statusCode()).isEqualTo(413);
        // chunked, so that only the streaming count can catch it
        HttpResponse<String> r = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s, "/v1/scan"))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void tooManyPartsIs413() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().maxParts(3));
        Map<String, byte[]> four = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            four.put("f" + i, EICAR);
        }
        HttpResponse<String> r = post(s, "/v1/scan", "multipart/form-data; boundary=xyz", multipart("xyz", four));
        assertThat(r.statusCode()).isEqualTo(413);
        four.remove("f3");
        assertThat(post(s, "/v1/scan", "multipart/form-data; boundary=xyz", multipart("xyz", four)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().maxHeaderBytes(4096));
        HttpResponse<String> r = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s, "/healthz"))
                .header("X-Padding", "p".repeat(5000)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(431);
        assertThat(TestSupport.get(s, "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void malformedMultipartIs400() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        String ok = "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\ndata\r\n--xyz--\r\n";
        assertThat(post(s, "/v1/scan", "multipart/form-data; boundary=xyz", ok.getBytes()).statusCode())
                .isEqualTo(200);
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("no closing delimiter", "--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ndata");
        broken.put("no parts", "--xyz--\r\n");
        broken.put("empty body", "");
        broken.put("headers never end", "--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n");
        broken.put("no disposition", "--xyz\r\nContent-Type: text/plain\r\n\r\ndata\r\n--xyz--\r\n");
        broken.put("bad header line", "--xyz\r\nno colon here\r\n\r\ndata\r\n--xyz--\r\n");
        broken.put("junk after delimiter", "--xyz junk\r\nContent-Disposition: form-data\r\n\r\nd\r\n--xyz--\r\n");
        broken.put("huge part header", "--xyz\r\nContent-Disposition: form-data; name=\"" + "n".repeat(20_000)
                + "\"\r\n\r\nd\r\n--xyz--\r\n");
        for (Map.Entry<String, String> b : broken.entrySet()) {
            HttpResponse<String> r = post(s, "/v1/scan", "multipart/form-data; boundary=xyz",
                    b.getValue().getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(b.getKey()).isEqualTo(400);
            assertThat(TestSupport.json(r).get("error").toString()).as(b.getKey()).startsWith("malformed multipart");
        }
        for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; "
                + "boundary=xyz", "multipart/form-data; boundary=\"a{b}\"")) {
            assertThat(post(s, "/v1/scan", type, ok.getBytes()).statusCode()).as(type).isEqualTo(400);
        }
    }

    @Test
    void truncatedBodiesAre400() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder());
        Socket fixed = connect(s, 10_000);
        write(fixed.getOutputStream(), "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                + "x".repeat(50));
        fixed.shutdownOutput();
        assertThat(readReply(fixed.getInputStream()).status()).isEqualTo(400);

        Socket chunked = connect(s, 10_000);
        write(chunked.getOutputStream(), "POST /v1/scan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "10\r\n12345");
        chunked.shutdownOutput();
        assertThat(readReply(chunked.getInputStream()).status()).isEqualTo(400);

        Socket multipartCut = connect(s, 10_000);
        String part = "--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ndata";
        write(multipartCut.getOutputStream(), "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data;"
                + " boundary=xyz\r\nContent-Length: 500\r\n\r\n" + part);
        multipartCut.shutdownOutput();
        assertThat(readReply(multipartCut.getInputStream()).status()).isEqualTo(400);
        assertThat(TestSupport.get(s, "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void slowClientsAreCutOffAndOthersStillServed() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().threads(2).requestTimeout(Duration.ofMillis(1500)));
        // occupy both request threads: one stalls inside its headers, one drips its body a byte at a time
        Socket stalled = connect(s, 10_000);
        write(stalled.getOutputStream(), "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Le");
        Socket dripping = connect(s, 10_000);
        write(dripping.getOutputStream(), "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        Thread drip = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    dripping.getOutputStream().write('x');
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException closed) {
                // the server cut the connection
            }
        });
        Thread.sleep(300);
        long start = System.nanoTime();
        HttpResponse<String> health = TestSupport.get(s, "/healthz");
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(waitedMillis).isLessThan(8_000);
        assertThat(TestSupport.closedByPeer(stalled)).isTrue();
        assertThat(TestSupport.closedByPeer(dripping)).isTrue();
        drip.join(10_000);
        assertThat(drip.isAlive()).isFalse();
        assertThat(s.timedOutExchanges()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void scanTimeIsNotCountedAgainstTheClient() throws Exception {
        ScanBackend slow = new HttpApiServerTest.DelegatingBackend(TestSupport.defaultBackend()) {
            @Override
            public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException("interrupted");
                }
                return super.scan(body, maxBytes, allMatch);
            }
        };
        HttpApiServer s = new HttpApiServer(HttpApiConfig.builder().port(0).spoolDirectory(spool)
                .requestTimeout(Duration.ofMillis(500)).build(), slow).start();
        servers.add(s);
        HttpResponse<String> r = post(s, "/v1/scan", "application/octet-stream", EICAR);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(results(r).get(0)).containsEntry("status", "FOUND");
    }

    @Test
    void largeUploadsSpoolToOwnerOnlyFilesThatAreDeleted() throws Exception {
        List<String> seen = new ArrayList<>();
        ScanBackend watching = new HttpApiServerTest.DelegatingBackend(TestSupport.defaultBackend()) {
            @Override
            public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
                try (var files = Files.list(spool)) {
                    for (Path p : files.toList()) {
                        seen.add(java.nio.file.attribute.PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(p)));
                    }
                }
                return super.scan(body, maxBytes, allMatch);
            }
        };
        HttpApiServer s = new HttpApiServer(HttpApiConfig.builder().port(0).spoolDirectory(spool)
                .spoolThreshold(1024).build(), watching).start();
        servers.add(s);
        byte[] big = new byte[300_000];
        System.arraycopy(EICAR, 0, big, 0, EICAR.length);
        HttpResponse<String> r = post(s, "/v1/scan", "multipart/form-data; boundary=xyz",
                multipart("xyz", files("small", EICAR, "big", big)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen).containsExactly("rw-------"); // only the big part went to disk
    }
}
