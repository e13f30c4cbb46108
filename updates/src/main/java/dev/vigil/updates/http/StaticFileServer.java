package dev.vigil.updates.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Serves a directory read-only over HTTP: GET and HEAD of regular files only. Paths are the release directory's
 * (see {@link SafePaths}: no percent-encoding, no {@code .} or {@code ..}, no empty component), symbolic links are
 * not followed, directories and requests with a query are 404 (no listing). Meant for tests and for serving a
 * release directory locally; binds to 127.0.0.1 unless given another address. Threads are bounded and each
 * exchange has a deadline, as in {@link WitnessServer}.
 */
public final class StaticFileServer implements AutoCloseable {
    public static final int DEFAULT_THREADS = 4;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final BoundedHttpServer server;

    private StaticFileServer(Path root, InetSocketAddress address, int threads, Duration requestTimeout)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("not a directory: " + root);
        }
        this.root = root.toRealPath();
        this.server = new BoundedHttpServer("vigil-files", address, threads, requestTimeout, 0, this::handle);
    }

    /** Serves {@code root} on 127.0.0.1 at an ephemeral port. */
    public static StaticFileServer start(Path root) throws IOException {
        return start(root, HttpSupport.loopback(0), DEFAULT_THREADS, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Serves {@code root} on {@code address} (port 0 picks a free port).
     *
     * @param threads        requests served at once (more wait in a queue of 4 per thread, then are refused)
     * @param requestTimeout longest time one exchange may take, sending the file included
     */
    public static StaticFileServer start(Path root, InetSocketAddress address, int threads, Duration requestTimeout)
            throws IOException {
        return new StaticFileServer(root, address, threads, requestTimeout);
    }

    public int port() {
        return server.port();
    }

    /** The URL of the served directory, ending in a slash: what an {@link HttpReleaseSource} is given. */
    public URI uri() {
        return server.uri();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "method not allowed\n");
                return;
            }
            Path file = exchange.getRequestURI().getRawQuery() != null ? null
                    : resolve(root, exchange.getRequestURI().getRawPath());
            if (file == null) {
                sendText(exchange, 404, "not found\n");
                return;
            }
            FileChannel ch;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                sendText(exchange, 404, "not found\n");
                return;
            }
            try (ch) {
                long size = ch.size();
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                if (head) {
                    exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
                // Exactly the announced length, even if the file grows meanwhile.
                try (OutputStream out = exchange.getResponseBody();
                     InputStream in = Channels.newInputStream(ch)) {
                    long left = size;
                    byte[] buf = new byte[64 * 1024];
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IOException(file + " shrank while being sent");
                        }
                        out.write(buf, 0, n);
                        left -= n;
                    }
                }
            }
        }
    }

    /**
     * The regular file a request path names under {@code root}, or null: only {@link SafePaths safe} paths, and
     * none whose real location (symbolic links resolved) leaves the root or is not a regular file.
     */
    static Path resolve(Path root, String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/") || !SafePaths.isSafe(rawPath.substring(1))) {
            return null;
        }
        Path p = root.resolve(rawPath.substring(1)).normalize();
        if (!p.startsWith(root)) {
            return null;
        }
        try {
            Path real = p.toRealPath();
            if (!real.equals(p) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            return real;
        } catch (IOException e) {
            return null;
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
