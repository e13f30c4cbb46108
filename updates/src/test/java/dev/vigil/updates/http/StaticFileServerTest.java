package dev.vigil.updates.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** StaticFileServer serves regular files under its root and nothing else. */
class StaticFileServerTest {
    @Test
    void servesFilesOnlyUnderItsRoot(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.createDirectories(root.resolve("tile/0"));
        Files.writeString(root.resolve("checkpoint"), "hello\n");
        Files.write(root.resolve("tile/0/000"), new byte[8192]);
        Files.writeString(root.resolve("empty"), "");
        Files.writeString(tmp.resolve("secret"), "do not serve\n");
        Files.createSymbolicLink(root.resolve("link"), tmp.resolve("secret"));
        Files.createSymbolicLink(root.resolve("dirlink"), tmp);

        try (StaticFileServer server = StaticFileServer.start(root);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
            HttpResponse<byte[]> ok = get(http, server, "checkpoint");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
            assertThat(get(http, server, "tile/0/000").body()).hasSize(8192);
            assertThat(get(http, server, "empty").body()).isEmpty();

            for (String refused : List.of("", "tile", "tile/", "tile/0/", "missing", "link", "dirlink/secret",
                    ".hidden", "tile/./0/000", "tile/0/000?x", "%63heckpoint")) {
                assertThat(get(http, server, refused).statusCode()).as(refused).isEqualTo(404);
            }
            HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(server.uri().resolve("checkpoint"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(post.statusCode()).isEqualTo(405);
            HttpResponse<Void> head = http.send(HttpRequest.newBuilder(server.uri().resolve("checkpoint"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);

            // Raw request paths the client library would normalise: dot segments and encoded slashes.
            for (String path : List.of("/../secret", "/tile/../../secret", "/..%2fsecret", "/%2e%2e/secret",
                    "//etc/passwd")) {
                assertThat(rawStatus(server, path)).as(path).startsWith("HTTP/1.1 404");
            }
            assertThat(rawStatus(server, "/checkpoint")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void resolveNeverLeavesTheRoot(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("www")).toRealPath();
        Files.writeString(root.resolve("a"), "a");
        assertThat(StaticFileServer.resolve(root, "/a")).isEqualTo(root.resolve("a"));
        for (String p : List.of("a", "/../www/a", "/./a", "/a/", "/", "", "/a/..", "/A")) {
            assertThat(StaticFileServer.resolve(root, p)).as(p).isNull();
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, StaticFileServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(java.net.URI.create(server.uri() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String rawStatus(StaticFileServer server, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
