package dev.vigil.updates.http;

import com.sun.net.httpserver.HttpExchange;
import dev.vigil.updates.witness.AddCheckpointRequest;
import dev.vigil.updates.witness.Witness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The c2sp.org/tlog-witness HTTP endpoint around a {@link Witness}: {@code POST <prefix>/add-checkpoint}, whose
 * answers (200 cosignature lines, 400, 403, 404, 409 with a {@code text/x.tlog.size} body, 422) come from
 * {@link Witness#addCheckpoint}. Added by this layer: 405 (with {@code Allow: POST}) for another method, 404 for
 * another path, 413 for a body over {@link #MAX_BODY} (refused from Content-Length before reading, or as soon as
 * the body passes the limit), 500 when the witness state cannot be read or written.
 *
 * <p>The submission prefix is the server root, so the endpoint is {@code /add-checkpoint}. Requests run on a fixed
 * number of threads with a short queue, and each exchange has a deadline (a client too slow to send its request is
 * disconnected). The witness's own state makes its check-and-update atomic per origin.
 */
public final class WitnessServer implements AutoCloseable {
    public static final String PATH = "/add-checkpoint";
    /** The largest request body accepted: a checkpoint note (1 MiB at most) plus the old size and proof lines. */
    public static final int MAX_BODY = AddCheckpointRequest.MAX_BODY;
    public static final int DEFAULT_THREADS = 4;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_GRACE = Duration.ofMillis(500);

    private final BoundedHttpServer server;
    private final Witness witness;

    private WitnessServer(Witness witness, InetSocketAddress address, int threads, Duration requestTimeout)
            throws IOException {
        this.witness = witness;
        this.server = new BoundedHttpServer("vigil-witness", address, threads, requestTimeout, 1, this::handle);
    }

    /** A witness on 127.0.0.1 at an ephemeral port, with the default threads and request timeout. */
    public static WitnessServer start(Witness witness) throws IOException {
        return start(witness, HttpSupport.loopback(0), DEFAULT_THREADS, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * A witness on {@code address} (port 0 picks a free port).
     *
     * @param threads        requests handled at once (more wait in a queue of 4 per thread, then are refused)
     * @param requestTimeout longest time one exchange may take, reading the request included
     */
    public static WitnessServer start(Witness witness, InetSocketAddress address, int threads,
                                      Duration requestTimeout) throws IOException {
        return new WitnessServer(witness, address, threads, requestTimeout);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The submission prefix URL, ending in a slash: what a {@link WitnessClient} is given. */
    public URI uri() {
        return server.uri();
    }

    /** Stops accepting, gives running exchanges a moment to finish, then stops the threads. */
    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!PATH.equals(exchange.getRequestURI().getRawPath()) || exchange.getRequestURI().getRawQuery() != null) {
                send(exchange, 404, Witness.TEXT_CONTENT_TYPE, "not found\n");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                send(exchange, 405, Witness.TEXT_CONTENT_TYPE, "add-checkpoint must be a POST\n");
                return;
            }
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && declaredTooLarge(length)) {
                tooLarge(exchange);
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                tooLarge(exchange);
                return;
            }
            Witness.Response r;
            try {
                r = witness.addCheckpoint(body);
            } catch (IOException e) {
                send(exchange, 500, Witness.TEXT_CONTENT_TYPE, "witness state unavailable\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            exchange.sendResponseHeaders(r.status(), r.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    /** True when a Content-Length header announces more than the limit (a malformed one is the server's to refuse). */
    static boolean declaredTooLarge(String contentLength) {
        String s = contentLength.trim();
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return s.length() > 18 || Long.parseLong(s) > MAX_BODY;
    }

    /** The body, or null as soon as it passes {@link #MAX_BODY}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : body;
    }

    private void tooLarge(HttpExchange exchange) throws IOException {
        // Answer, then drop the connection: the server would otherwise drain the rest of the body first.
        exchange.getResponseHeaders().set("Connection", "close");
        server.shortenCurrent(DRAIN_GRACE);
        send(exchange, 413, Witness.TEXT_CONTENT_TYPE, "request body larger than " + MAX_BODY + " bytes\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
