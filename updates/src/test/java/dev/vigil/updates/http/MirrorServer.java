package dev.vigil.updates.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A test mirror on loopback: serves a directory honestly, except for paths a test hands to a hostile behaviour.
 * Records every path asked for. Closing it interrupts whatever a behaviour is still doing.
 */
final class MirrorServer implements AutoCloseable {
    interface Behaviour {
        void answer(HttpExchange exchange, Path file) throws IOException, InterruptedException;
    }

    private final Path root;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-mirror");
        t.setDaemon(true);
        return t;
    });
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> hostilePaths = p -> false;
    private volatile Behaviour hostile;

    MirrorServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The same server under another host name, which a client must treat as another host. */
    URI uriAsLocalhost() {
        return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
    }

    void misbehave(Predicate<String> paths, Behaviour behaviour) {
        this.hostile = behaviour;
        this.hostilePaths = paths;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(1);
            requests.add(path);
            Path file = root.resolve(path);
            if (hostilePaths.test(path)) {
                try {
                    hostile.answer(exchange, file);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] data = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, data.length == 0 ? -1 : data.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data);
            }
        }
    }

    /** An endless chunked body (stops at 1 GiB or when the client goes away). */
    static void endless(HttpExchange exchange, Path file) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        byte[] junk = new byte[16 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 65536; i++) {
                out.write(junk);
            }
        } catch (IOException expected) {
            // the client hung up, as it should
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
