package dev.vigil.daemon.http;

import dev.vigil.clamav.DefaultSignatures;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanLimits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the HTTP API tests share: the EICAR bytes, engines, multipart bodies and a raw HTTP/1.1 client. */
final class TestSupport {
    /** The EICAR test file (68 bytes), built here so that no scanner on the machine quarantines the sources. */
    static final byte[] EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
            .replace("CC7}", "CC)7}").getBytes(StandardCharsets.US_ASCII);

    private TestSupport() {
    }

    static Engine defaultEngine() {
        EngineBuilder b = Engine.builder();
        DefaultSignatures.addTo(b);
        return b.build();
    }

    static EngineScanBackend defaultBackend() {
        return EngineScanBackend.serving(defaultEngine(), TestSupport::defaultEngine, ScanLimits.DEFAULT);
    }

    /** One client for all tests: each HttpClient owns a selector thread until it is collected. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpClient client() {
        return CLIENT;
    }

    static HttpResponse<String> get(HttpApiServer server, String path) throws IOException, InterruptedException {
        return client().send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(20))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(HttpApiServer server, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return client().send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> r) {
        try {
            return (Map<String, Object>) JsonReader.parse(r.body());
        } catch (JsonReader.JsonException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(HttpResponse<String> r) {
        return (List<Map<String, Object>>) json(r).get("results");
    }

    /** A multipart/form-data body; {@code files} maps file names to contents. */
    static byte[] multipart(String boundary, Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + f.getKey().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(f.getValue());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static Map<String, byte[]> files(Object... nameThenContent) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            m.put((String) nameThenContent[i], (byte[]) nameThenContent[i + 1]);
        }
        return m;
    }

    /** A reply read from a raw socket. */
    record RawReply(int status, Map<String, String> headers, String body) {
    }

    static Socket connect(HttpApiServer server, int readTimeoutMillis) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(server.address().getAddress(), server.address().getPort()), 5000);
        s.setSoTimeout(readTimeoutMillis);
        return s;
    }

    /** Reads one HTTP/1.1 reply with a Content-Length body (all this server sends). */
    static RawReply readReply(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("connection closed before a reply");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
        }
        int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(len);
        return new RawReply(Integer.parseInt(status.split(" ")[1]), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** True when the peer closed the connection (end of stream or reset) within the socket's read timeout. */
    static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static URI uri(HttpApiServer server, String path) {
        return server.baseUri().resolve(path);
    }
}
