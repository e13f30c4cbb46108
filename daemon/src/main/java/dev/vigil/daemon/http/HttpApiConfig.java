package dev.vigil.daemon.http;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the HTTP API server. Build with {@link #builder()}; every limit has a safe default.
 *
 * @param bindAddress       address to listen on (default 127.0.0.1: loopback only)
 * @param port              TCP port; 0 picks a free one
 * @param token             bearer token required on every endpoint but {@code /healthz}, or null for none (then
 *                          {@code /v1/reload} is refused with 403)
 * @param tlsKeystore       PKCS#12 keystore with the server's key and certificate to serve HTTPS, or null for HTTP
 * @param tlsPassword       password of the keystore (and of its key)
 * @param maxBodyBytes      largest request body accepted by {@code /v1/scan}; larger ones get 413
 * @param maxHeaderBytes    largest total size of the request headers; larger ones get 431
 * @param maxParts          most parts in one multipart request; more get 413
 * @param maxPartHeaderBytes largest header block of one multipart part; larger ones get 400
 * @param spoolThreshold    uploads up to this size stay in memory; larger ones go to an owner-only temporary file
 * @param spoolDirectory    where temporary files go, or null for the JVM's temporary directory
 * @param threads           request threads (scans run on them)
 * @param queueLength       connections waiting for a thread; beyond this new requests are dropped at once
 * @param requestTimeout    the longest a client may take to send a request and read the reply (time spent
 *                          scanning is not counted); slower connections are closed
 * @param maxDetectionNames distinct detection names tracked by {@code /metrics}; further names share one series
 * @param engineVersion     the version reported by {@code /v1/version}
 */
public record HttpApiConfig(InetAddress bindAddress, int port, String token, Path tlsKeystore, char[] tlsPassword,
                            long maxBodyBytes, int maxHeaderBytes, int maxParts, int maxPartHeaderBytes,
                            int spoolThreshold, Path spoolDirectory, int threads, int queueLength,
                            Duration requestTimeout, int maxDetectionNames, String engineVersion) {

    public HttpApiConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(engineVersion, "engineVersion");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (token != null && token.isEmpty()) {
            throw new IllegalArgumentException("empty token");
        }
        if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the token must be printable ASCII without spaces");
        }
        if (maxBodyBytes <= 0 || maxHeaderBytes <= 0 || maxParts <= 0 || maxPartHeaderBytes <= 0
                || spoolThreshold < 0 || threads <= 0 || queueLength < 0 || maxDetectionNames < 0
                || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean tls() {
        return tlsKeystore != null;
    }

    /** Builder with defaults: loopback, port 8080, no token, HTTP, 100 MiB bodies, 16 threads, 30 s timeout. */
    public static final class Builder {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port = 8080;
        private String token;
        private Path tlsKeystore;
        private char[] tlsPassword = new char[0];
        private long maxBodyBytes = 100L << 20;
        private int maxHeaderBytes = 16 << 10;
        private int maxParts = 64;
        private int maxPartHeaderBytes = 8 << 10;
        private int spoolThreshold = 1 << 20;
        private Path spoolDirectory;
        private int threads = 16;
        private int queueLength = 256;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxDetectionNames = 1000;
        private String engineVersion = defaultVersion();

        private static String defaultVersion() {
            String v = HttpApiConfig.class.getPackage().getImplementationVersion();
            return v == null ? "unknown" : v;
        }

        public Builder bindAddress(InetAddress v) {
            bindAddress = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder token(String v) {
            token = v;
            return this;
        }

        public Builder tls(Path keystore, char[] password) {
            tlsKeystore = keystore;
            tlsPassword = password.clone();
            return this;
        }

        public Builder maxBodyBytes(long v) {
            maxBodyBytes = v;
            return this;
        }

        public Builder maxHeaderBytes(int v) {
            maxHeaderBytes = v;
            return this;
        }

        public Builder maxParts(int v) {
            maxParts = v;
            return this;
        }

        public Builder maxPartHeaderBytes(int v) {
            maxPartHeaderBytes = v;
            return this;
        }

        public Builder spoolThreshold(int v) {
            spoolThreshold = v;
            return this;
        }

        public Builder spoolDirectory(Path v) {
            spoolDirectory = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder queueLength(int v) {
            queueLength = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            requestTimeout = v;
            return this;
        }

        public Builder maxDetectionNames(int v) {
            maxDetectionNames = v;
            return this;
        }

        public Builder engineVersion(String v) {
            engineVersion = v;
            return this;
        }

        public HttpApiConfig build() {
            return new HttpApiConfig(bindAddress, port, token, tlsKeystore, tlsPassword, maxBodyBytes, maxHeaderBytes,
                    maxParts, maxPartHeaderBytes, spoolThreshold, spoolDirectory, threads, queueLength,
                    requestTimeout, maxDetectionNames, engineVersion);
        }
    }
}
