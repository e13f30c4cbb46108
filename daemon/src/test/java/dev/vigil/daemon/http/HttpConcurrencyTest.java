package dev.vigil.daemon.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.vigil.daemon.http.TestSupport.EICAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Scans in flight, a full request queue, and the threads left after close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpConcurrencyTest {
    @TempDir
    Path spool;

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpApiServer server;

    /** A backend whose scans wait until the test releases them. */
    private ScanBackend blocking() {
        return new HttpApiServerTest.DelegatingBackend(TestSupport.defaultBackend()) {
            @Override
            public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                return super.scan(body, maxBytes, allMatch);
            }
        };
    }

    @AfterEach
    void close() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private CompletableFuture<HttpResponse<String>> scanAsync() {
        return TestSupport.client().sendAsync(java.net.http.HttpRequest.newBuilder(TestSupport.uri(server,
                "/v1/scan")).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(EICAR)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void inFlightScansAreCounted() throws Exception {
        server = new HttpApiServer(HttpApiConfig.builder().port(0).spoolDirectory(spool).threads(4).build(),
                blocking()).start();
        CompletableFuture<HttpResponse<String>> scan = scanAsync();
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        PrometheusText.Exposition during = PrometheusText.parse(TestSupport.get(server, "/metrics").body());
        assertThat(during.value("vigil_http_scans_in_flight", Map.of())).isEqualTo(1);
        release.countDown();
        assertThat(scan.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        PrometheusText.Exposition after = PrometheusText.parse(TestSupport.get(server, "/metrics").body());
        assertThat(after.value("vigil_http_scans_in_flight", Map.of())).isEqualTo(0);
    }

    @Test
    void aFullQueueRefusesConnectionsAtOnce() throws Exception {
        server = new HttpApiServer(HttpApiConfig.builder().port(0).spoolDirectory(spool).threads(1).queueLength(0)
                .build(), blocking()).start();
        CompletableFuture<HttpResponse<String>> scan = scanAsync();
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        Throwable refused = catchThrowable(() -> TestSupport.get(server, "/healthz"));
        assertThat(refused).isInstanceOf(IOException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        release.countDown();
        assertThat(scan.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(TestSupport.get(server, "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void closeLeavesNoThreads() throws Exception {
        server = new HttpApiServer(HttpApiConfig.builder().port(0).spoolDirectory(spool).build(),
                TestSupport.defaultBackend()).start();
        List<CompletableFuture<HttpResponse<String>>> scans = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            scans.add(scanAsync());
        }
        for (CompletableFuture<HttpResponse<String>> f : scans) {
            assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(serverThreads()).isNotEmpty();
        server.close();
        server = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!serverThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(serverThreads()).isEmpty();
    }

    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("vigil-http") || n.startsWith("HTTP-Dispatcher")).toList();
    }
}
