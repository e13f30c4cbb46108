package dev.vigil.updates.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * The JDK HTTP server on a {@link BoundedServerExecutor}: one handler at the root, a fixed number of threads with a
 * short queue, and a deadline per exchange. The common lifecycle of this package's servers.
 */
final class BoundedHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final BoundedServerExecutor executor;
    private final int stopDelaySeconds;

    /**
     * Binds and starts.
     *
     * @param stopDelaySeconds how long {@link #close} lets running exchanges finish before stopping the threads
     */
    BoundedHttpServer(String threadName, InetSocketAddress address, int threads, Duration requestTimeout,
                      int stopDelaySeconds, HttpHandler handler) throws IOException {
        this.stopDelaySeconds = stopDelaySeconds;
        this.executor = new BoundedServerExecutor(threadName, threads, 4 * threads, requestTimeout);
        HttpServer s;
        try {
            s = HttpServer.create(address, 64);
        } catch (IOException | RuntimeException e) {
            executor.close();
            throw e;
        }
        this.server = s;
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The server's root URL, ending in a slash. */
    URI uri() {
        return HttpSupport.uri(server.getAddress());
    }

    /** Cuts the deadline of the exchange running on the calling thread to {@code grace} from now. */
    void shortenCurrent(Duration grace) {
        executor.shortenCurrent(grace);
    }

    @Override
    public void close() {
        server.stop(stopDelaySeconds);
        executor.close();
    }
}
