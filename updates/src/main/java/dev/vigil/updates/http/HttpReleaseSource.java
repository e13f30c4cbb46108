package dev.vigil.updates.http;

import dev.vigil.updates.release.DirectoryReleaseSource;
import dev.vigil.updates.release.ReleaseManifest;
import dev.vigil.updates.release.ReleaseSource;
import dev.vigil.updates.tiles.BadTileException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * A release mirror over HTTP(S), laid out like {@link DirectoryReleaseSource}: {@code checkpoint}, {@code tile/…},
 * {@code manifest/<index>} and {@code artifact/<sha256 hex>} under one base URL. Everything read is untrusted (the
 * update client checks it); this class only keeps the transfer safe:
 * <ul>
 * <li>the configured host is the only one ever contacted: paths are checked to stay under the base URL, and
 *     redirects are never followed (a 3xx answer is an error);</li>
 * <li>a connect timeout, and a deadline for each whole response (headers and body); artifacts get the read timeout
 *     plus one second per 64 KiB of their declared size;</li>
 * <li>every body is read up to a limit (the caller's {@code maxBytes}, or an artifact's declared size plus one byte
 *     so the update client can tell it is too large), whatever Content-Length says, and reading stops there;</li>
 * <li>404 and 410 are {@link NoSuchFileException}, as for a missing file, so a missing partial tile falls back to
 *     the full tile.</li>
 * </ul>
 * Thread-safe. Close it to release the HTTP client's connections.
 */
public final class HttpReleaseSource implements ReleaseSource, AutoCloseable {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** The slowest artifact transfer accepted, in bytes per second, on top of the read timeout. */
    public static final long MIN_ARTIFACT_RATE = 64 * 1024;

    private final URI base;
    private final Duration readTimeout;
    private final HttpClient client;

    /** A source with the default timeouts (10 s to connect, 30 s per response). */
    public HttpReleaseSource(URI base) {
        this(base, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /**
     * @param base           the release directory's URL ({@code http} or {@code https}, with a host, no query, no
     *                       fragment, no user info); a missing final slash is added
     * @param connectTimeout limit for opening a connection
     * @param readTimeout    limit for each whole response of the log (checkpoint, tiles, manifests), and the base
     *                       limit for artifacts
     */
    public HttpReleaseSource(URI base, Duration connectTimeout, Duration readTimeout) {
        this.base = HttpSupport.checkBase(base);
        this.readTimeout = HttpSupport.positive(readTimeout, "read timeout");
        this.client = HttpSupport.client(HttpSupport.positive(connectTimeout, "connect timeout"));
    }

    /** The base URL, ending in a slash. */
    public URI base() {
        return base;
    }

    @Override
    public byte[] read(String path, int maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        try (InputStream in = open(path, maxBytes, readTimeout)) {
            return in.readAllBytes();
        } catch (DeadlineInputStream.BodyTooLargeException e) {
            throw new BadTileException(path + " is larger than " + maxBytes + " bytes");
        }
    }

    @Override
    public byte[] manifest(long index, int maxBytes) throws IOException {
        return read(DirectoryReleaseSource.manifestPath(index), maxBytes);
    }

    /** The artifact's body, ending after its declared size plus one byte at most, and failing at its deadline. */
    @Override
    public InputStream artifact(ReleaseManifest.Artifact artifact) throws IOException {
        long limit = artifact.size() == Long.MAX_VALUE ? Long.MAX_VALUE : artifact.size() + 1;
        Duration deadline = readTimeout.plusSeconds(artifact.size() / MIN_ARTIFACT_RATE);
        return open(DirectoryReleaseSource.artifactPath(artifact), limit, deadline);
    }

    private InputStream open(String path, long limit, Duration timeout) throws IOException {
        if (!SafePaths.isSafe(path)) {
            throw new IOException("refusing to fetch unsafe path " + path);
        }
        URI uri = HttpSupport.under(base, path);
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(timeout).build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + uri);
        }
        int status = response.statusCode();
        if (status == 200) {
            return new DeadlineInputStream(response.body(), limit, timeout, uri.toString());
        }
        response.body().close();
        if (status == 404 || status == 410) {
            throw new NoSuchFileException(uri.toString());
        }
        if (status >= 300 && status < 400) {
            throw new IOException(uri + " answered a redirect (" + status + "), which is not followed");
        }
        throw new IOException(uri + " answered HTTP status " + status);
    }

    @Override
    public void close() {
        client.shutdownNow(); // never waits: a hostile server must not hold up closing
    }

    @Override
    public String toString() {
        return "HttpReleaseSource[" + base + "]";
    }
}
