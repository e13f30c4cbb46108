package dev.vigil.daemon.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.daemon.http.ScanBackend.NoDatabaseException;
import dev.vigil.engine.Detection;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Vigil's HTTP/JSON scanning API on the JDK's built-in server: {@code POST /v1/scan}, {@code GET /v1/version},
 * {@code GET /healthz}, {@code GET /metrics}, {@code POST /v1/reload} and {@code GET /v1/openapi.json}. The
 * endpoints are described in {@code docs/http-api.md} and in the OpenAPI document the server serves.
 *
 * <pre>{@code
 * try (HttpApiServer server = new HttpApiServer(HttpApiConfig.builder().port(8080).build(), backend).start()) {
 *     ...
 * }
 * }</pre>
 */
public final class HttpApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpApiServer.class.getName());
    private static final String JSON = "application/json";
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** The most of an unwanted request body read after an early answer (see {@link #lingerOnRequestBody}). */
    private static final long LINGER_BYTES = 16L << 20;
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    /** One served endpoint. */
    public record Route(String method, String path) {
    }

    /** Every route the server answers; the OpenAPI document describes exactly these (a test checks it). */
    public static final List<Route> ROUTES = List.of(
            new Route("POST", "/v1/scan"),
            new Route("GET", "/v1/version"),
            new Route("GET", "/healthz"),
            new Route("GET", "/metrics"),
            new Route("POST", "/v1/reload"),
            new Route("GET", "/v1/openapi.json"));

    private final HttpApiConfig config;
    private final ScanBackend backend;
    private final Metrics metrics;
    private final byte[] tokenDigest;
    private final byte[] openApi;
    private HttpServer server;
    private DeadlineExecutor executor;

    public HttpApiServer(HttpApiConfig config, ScanBackend backend) {
        this.config = config;
        this.backend = backend;
        this.metrics = new Metrics(config.maxDetectionNames());
        this.tokenDigest = config.token() == null ? null : sha256(config.token());
        this.openApi = readOpenApi();
    }

    /** Binds and starts serving; returns this. */
    public synchronized HttpApiServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
        HttpServer s;
        if (config.tls()) {
            HttpsServer https = HttpsServer.create(address, config.queueLength());
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext()));
            s = https;
        } else {
            s = HttpServer.create(address, config.queueLength());
        }
        DeadlineExecutor e = new DeadlineExecutor(config.threads(), config.queueLength(), config.requestTimeout());
        s.setExecutor(e);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        executor = e;
        return this;
    }

    /** The address actually bound (with the port chosen when the configured port was 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URI clients use, such as {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + a.getPort());
    }

    /** Stops listening, closes every connection and stops the request threads. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.close();
            server = null;
        }
    }

    /** Exchanges cut off because the client was too slow (for tests and logs). */
    int timedOutExchanges() {
        return executor.timedOut();
    }

    private SSLContext sslContext() throws IOException {
        try (InputStream in = Files.newInputStream(config.tlsKeystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, config.tlsPassword());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, config.tlsPassword());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS keystore " + config.tlsKeystore() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readOpenApi() {
        try (InputStream in = HttpApiServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("missing resource openapi.json");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.json", e);
        }
    }

    // ---- dispatch ----

    private void handle(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        Optional<Route> route = ROUTES.stream()
                .filter(r -> r.path().equals(path) && r.method().equals(method)).findFirst();
        String routeName = route.map(Route::path).orElse("unknown");
        int code;
        try {
            code = dispatch(ex, path, method, route);
        } catch (BodyTooLargeException | TooManyPartsException e) {
            code = fail(ex, 413, e.getMessage(), true);
        } catch (MultipartException e) {
            code = fail(ex, 400, "malformed multipart body: " + e.getMessage(), true);
        } catch (NoDatabaseException e) {
            code = fail(ex, 503, e.getMessage(), false);
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            code = 408; // the deadline closed the connection; nothing can be sent any more
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "request failed", e);
            code = fail(ex, 400, "incomplete or unreadable request: " + e.getMessage(), true);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "internal error", e);
            code = fail(ex, 500, "internal error", true);
        } finally {
            ex.close();
        }
        metrics.request(routeName, code);
    }

    private int dispatch(HttpExchange ex, String path, String method, Optional<Route> route) throws IOException {
        if (headerBytes(ex.getRequestHeaders()) > config.maxHeaderBytes()) {
            return fail(ex, 431, "request headers larger than " + config.maxHeaderBytes() + " bytes", true);
        }
        if (route.isEmpty()) {
            Set<String> allowed = ROUTES.stream().filter(r -> r.path().equals(path)).map(Route::method)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (allowed.isEmpty()) {
                return fail(ex, 404, "no such endpoint: " + path, false);
            }
            ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
            return fail(ex, 405, method + " is not allowed on " + path, false);
        }
        if (!path.equals("/healthz") && tokenDigest != null) {
            String problem = authProblem(ex.getRequestHeaders().getFirst("Authorization"));
            if (problem != null) {
                ex.getResponseHeaders().set("WWW-Authenticate", problem);
                return fail(ex, 401, "a valid bearer token is required", false);
            }
        }
        return switch (path) {
            case "/v1/scan" -> scan(ex);
            case "/v1/version" -> version(ex);
            case "/healthz" -> health(ex);
            case "/metrics" -> send(ex, 200, PROMETHEUS,
                    metrics.exposition(backend.database().isPresent()).getBytes(StandardCharsets.UTF_8), false);
            case "/v1/reload" -> reload(ex);
            case "/v1/openapi.json" -> send(ex, 200, JSON, openApi, false);
            default -> throw new IllegalStateException("route without handler: " + path);
        };
    }

    private static long headerBytes(Headers headers) {
        long total = 0;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            for (String v : e.getValue()) {
                total += e.getKey().length() + 2 + (v == null ? 0 : v.length()) + 2;
            }
        }
        return total;
    }

    /** Null when the Authorization header carries the token; otherwise the WWW-Authenticate challenge. */
    private String authProblem(String authorization) {
        String challenge = "Bearer realm=\"vigil\"";
        if (authorization == null) {
            return challenge;
        }
        if (authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return challenge + ", error=\"invalid_request\"";
        }
        // Comparing digests takes the same time whatever the given token's length or content.
        byte[] given = sha256(authorization.substring(7).strip());
        return MessageDigest.isEqual(given, tokenDigest) ? null : challenge + ", error=\"invalid_token\"";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- endpoints ----

    private int scan(HttpExchange ex) throws IOException {
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (query == null || !Set.of("allmatch", "name").containsAll(query.keySet())) {
            return fail(ex, 400, "query parameters are allmatch=true|false and name=NAME", false);
        }
        String allMatchText = query.getOrDefault("allmatch", "false");
        if (!allMatchText.equals("true") && !allMatchText.equals("false")) {
            return fail(ex, 400, "allmatch must be true or false", false);
        }
        boolean allMatch = allMatchText.equals("true");
        if (backend.database().isEmpty()) {
            ex.getResponseHeaders().set("Retry-After", "5");
            return fail(ex, 503, "no signature database is loaded", false);
        }
        long declared = contentLength(ex);
        if (declared > config.maxBodyBytes()) {
            return fail(ex, 413, "request body of " + declared + " bytes is larger than the limit of "
                    + config.maxBodyBytes(), true);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        // The gauge drops before the answer goes out, so a client that got its answer never sees its own scan counted.
        metrics.scanStarted();
        try {
            LimitedInputStream body = new LimitedInputStream(ex.getRequestBody(), config.maxBodyBytes());
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            List<Object> results = new ArrayList<>();
            if (contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
                MultipartReader reader = new MultipartReader(body, MultipartReader.boundary(contentType),
                        config.maxPartHeaderBytes());
                int parts = 0;
                for (MultipartReader.Part part; (part = reader.next()) != null; ) {
                    if (++parts > config.maxParts()) {
                        throw new TooManyPartsException(config.maxParts());
                    }
                    try (SpooledBody file = SpooledBody.read(part.body(), config.spoolThreshold(),
                            config.spoolDirectory())) {
                        results.add(scanOne(part.displayName(), file, allMatch));
                    }
                }
                if (parts == 0) {
                    throw new MultipartException("no parts");
                }
            } else {
                try (SpooledBody file = SpooledBody.read(body, config.spoolThreshold(), config.spoolDirectory())) {
                    if (declared >= 0 && file.size() != declared) {
                        throw new IOException("body shorter than its Content-Length");
                    }
                    results.add(scanOne(query.getOrDefault("name", "stream"), file, allMatch));
                }
            }
            reply.put("results", results);
        } finally {
            metrics.scanEnded();
        }
        return sendJson(ex, 200, reply);
    }

    private Map<String, Object> scanOne(String name, SpooledBody file, boolean allMatch) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        DeadlineExecutor.pause();
        long start = System.nanoTime();
        String status;
        ScanOutcome outcome = null;
        String error = null;
        try (InputStream in = file.open()) {
            outcome = backend.scan(in, config.maxBodyBytes(), allMatch);
            status = outcome.detections().isEmpty() ? "OK" : "FOUND";
        } catch (NoDatabaseException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "scan failed", e);
            status = "ERROR";
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } finally {
            DeadlineExecutor.resume();
        }
        long nanos = System.nanoTime() - start;
        metrics.scanned(status, file.size(), nanos);
        List<Object> detections = new ArrayList<>();
        if (outcome != null) {
            for (Detection d : outcome.detections()) {
                metrics.detected(d.name());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", d.name());
                m.put("kind", d.kind().name());
                m.put("offset", d.offset());
                detections.add(m);
            }
        }
        r.put("status", status);
        r.put("detections", detections);
        r.put("size", outcome != null ? outcome.size() : file.size());
        r.put("limitExceeded", outcome == null ? null : outcome.limitExceeded());
        if (error != null) {
            r.put("error", error);
        }
        return r;
    }

    private int version(HttpExchange ex) throws IOException {
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("name", "Vigil");
        engine.put("version", config.engineVersion());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("engine", engine);
        reply.put("database", backend.database().map(HttpApiServer::database).orElse(null));
        return sendJson(ex, 200, reply);
    }

    private static Map<String, Object> database(DatabaseInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", info.version());
        m.put("signatures", info.signatureCount());
        m.put("loadedAt", info.loadedAt().toString());
        return m;
    }

    private int health(HttpExchange ex) throws IOException {
        boolean loaded = backend.database().isPresent();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", loaded ? "ok" : "no database");
        reply.put("databaseLoaded", loaded);
        return sendJson(ex, loaded ? 200 : 503, reply);
    }

    private int reload(HttpExchange ex) throws IOException {
        if (tokenDigest == null) {
            return fail(ex, 403, "reload needs a bearer token to be configured", false);
        }
        ReloadOutcome outcome;
        DeadlineExecutor.pause();
        try {
            outcome = backend.reload();
        } finally {
            DeadlineExecutor.resume();
        }
        metrics.reloaded(outcome.reloaded());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("reloaded", outcome.reloaded());
        reply.put("message", outcome.message());
        reply.put("database", outcome.database() == null ? null : database(outcome.database()));
        return sendJson(ex, outcome.reloaded() ? 200 : 500, reply);
    }

    // ---- helpers ----

    /** Content-Length as a number, -1 when absent (chunked); a malformed one is refused by the JDK server. */
    private static long contentLength(HttpExchange ex) {
        String v = ex.getRequestHeaders().getFirst("Content-Length");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Decoded query parameters; null when one repeats or cannot be decoded. */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        try {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.putIfAbsent(k, v) != null) {
                    return null;
                }
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return out;
    }

    private int fail(HttpExchange ex, int code, String message, boolean closeConnection) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        try {
            return send(ex, code, JSON, Json.write(body).getBytes(StandardCharsets.UTF_8), closeConnection);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not send the error reply", e);
            return code;
        }
    }

    private static int sendJson(HttpExchange ex, int code, Map<String, Object> body) throws IOException {
        return send(ex, code, JSON, Json.write(body).getBytes(StandardCharsets.UTF_8), false);
    }

    private static int send(HttpExchange ex, int code, String type, byte[] body, boolean closeConnection)
            throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        if (closeConnection) {
            // The rest of the request body is unread: the connection cannot carry another request.
            h.set("Connection", "close");
            DeadlineExecutor.shorten(CLOSE_GRACE);
        }
        boolean head = ex.getRequestMethod().equals("HEAD"); // a HEAD reply has no body
        ex.sendResponseHeaders(code, body.length == 0 || head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
            if (closeConnection) {
                out.flush();
                lingerOnRequestBody(ex);
            }
        }
        return code;
    }

    /**
     * Reads and drops what the client is still sending, up to {@link #LINGER_BYTES} and within the shortened deadline,
     * before the connection is closed: closing a socket with unread data makes the kernel reset the connection, and
     * the reset can destroy the answer before the client has read it.
     */
    private static void lingerOnRequestBody(HttpExchange ex) {
        byte[] sink = new byte[8192];
        long left = LINGER_BYTES;
        try {
            InputStream in = ex.getRequestBody();
            for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client stopped sending, went away, or the deadline cut the connection: nothing more to do
        }
    }

    /** More parts than allowed in one request; answered 413. */
    static final class TooManyPartsException extends IOException {
        TooManyPartsException(int limit) {
            super("more than " + limit + " parts in one request");
        }
    }
}
