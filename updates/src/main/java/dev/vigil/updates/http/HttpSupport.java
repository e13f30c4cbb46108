package dev.vigil.updates.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/** Checks and defaults shared by the clients and servers of this package. */
final class HttpSupport {
    private HttpSupport() {
    }

    /** Validates a base URL and makes its path end in a slash, so that relative paths resolve under it. */
    static URI checkBase(URI base) {
        Objects.requireNonNull(base, "base URL");
        String scheme = base.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("only http and https URLs are supported: " + base);
        }
        if (base.getHost() == null || base.getRawUserInfo() != null || base.getRawQuery() != null
                || base.getRawFragment() != null || base.isOpaque()) {
            throw new IllegalArgumentException("the URL needs a host and no user info, query or fragment: " + base);
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        return URI.create(base.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + base.getRawAuthority() + path);
    }

    /** {@code base} + a {@link SafePaths safe} path, checked to have kept the scheme, host and port. */
    static URI under(URI base, String safePath) {
        URI uri = URI.create(base.toString() + safePath);
        if (!Objects.equals(uri.getScheme(), base.getScheme()) || !Objects.equals(uri.getHost(), base.getHost())
                || uri.getPort() != base.getPort() || !uri.getRawPath().startsWith(base.getRawPath())) {
            throw new IllegalStateException("path " + safePath + " left " + base);
        }
        return uri;
    }

    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return d;
    }

    /** 127.0.0.1 on an ephemeral port: servers are local unless told otherwise. */
    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The URL of a bound server, with IPv6 literals bracketed. */
    static URI uri(InetSocketAddress bound) {
        InetAddress a = bound.getAddress();
        String host = a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : a.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + bound.getPort() + "/");
    }
}
