package dev.vigil.daemon;

import dev.vigil.daemon.http.HttpApiConfig;
import dev.vigil.daemon.http.HttpApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * vigild with its HTTP API: both front ends share one database holder, so a file found over the clamd socket is found
 * over HTTP, and a reload through either serves both.
 */
class VigildHttpTest {

    private static HttpResponse<String> post(HttpClient client, URI uri, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void httpAndClamdServeTheSameDatabaseAndReloads(@TempDir Path work) throws Exception {
        Path db = Fixtures.database(work.resolve("db"));
        try (Vigild d = Fixtures.vigild(work.resolve("run"), db, "")) {
            HttpApiServer http = d.startHttp(HttpApiConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                    .port(0).token("secret-token").build());
            HttpClient client = HttpClient.newHttpClient();
            String clamd = new String(Fixtures.exchange(Fixtures.tcp(d),
                    Fixtures.concat(Fixtures.ascii("zINSTREAM\0"), Fixtures.chunk(Fixtures.EICAR), new byte[4]),
                    Duration.ofSeconds(30)), java.nio.charset.StandardCharsets.US_ASCII);
            HttpResponse<String> scan = post(client, http.baseUri().resolve("/v1/scan"), Fixtures.EICAR, "secret-token");
            assertThat(post(client, http.baseUri().resolve("/v1/scan"), Fixtures.EICAR, null).statusCode())
                    .isEqualTo(401);
            assertThat(clamd).contains("Eicar-Test-Signature-NDB.UNOFFICIAL FOUND");
            assertThat(scan.statusCode()).isEqualTo(200);
            assertThat(scan.body()).contains("\"FOUND\"").contains("Eicar-Test-Signature-NDB.UNOFFICIAL");

            // both front ends look inside containers, as clamd does
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(zipped)) {
                zip.putNextEntry(new java.util.zip.ZipEntry("inner/eicar.com"));
                zip.write(Fixtures.EICAR);
                zip.closeEntry();
            }
            byte[] zipBytes = zipped.toByteArray();
            String clamdZip = new String(Fixtures.exchange(Fixtures.tcp(d),
                    Fixtures.concat(Fixtures.ascii("zINSTREAM\0"), Fixtures.chunk(zipBytes), new byte[4]),
                    Duration.ofSeconds(30)), java.nio.charset.StandardCharsets.US_ASCII);
            HttpResponse<String> httpZip = post(client, http.baseUri().resolve("/v1/scan"), zipBytes, "secret-token");
            assertThat(clamdZip).contains("Eicar-Test-Signature-NDB.UNOFFICIAL FOUND");
            assertThat(httpZip.body()).contains("\"FOUND\"").contains("Eicar-Test-Signature-NDB.UNOFFICIAL");

            // a new signature, loaded through the HTTP API, is seen by the clamd socket too
            byte[] marker = "vigild http reload marker".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Files.writeString(db.resolve("extra.ndb"), "Reload-Marker:0:*:"
                    + java.util.HexFormat.of().formatHex(marker) + "\n");
            HttpResponse<String> reload = post(client, http.baseUri().resolve("/v1/reload"), new byte[0],
                    "secret-token");
            assertThat(reload.statusCode()).isEqualTo(200);
            String after = new String(Fixtures.exchange(Fixtures.tcp(d),
                    Fixtures.concat(Fixtures.ascii("zINSTREAM\0"), Fixtures.chunk(marker), new byte[4]),
                    Duration.ofSeconds(30)), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(after).contains("Reload-Marker.UNOFFICIAL FOUND");
            assertThat(d.holder().reloadCount()).isEqualTo(2);
        }
    }

    @Test
    void httpScansWaitForTheSameMaxThreadsSlotsAsClamdScans(@TempDir Path work) throws Exception {
        Path db = Fixtures.database(work.resolve("db"));
        try (Vigild d = Fixtures.vigild(work.resolve("run"), db, "MaxThreads 1\n")) {
            HttpApiServer http = d.startHttp(HttpApiConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                    .port(0).build());
            HttpClient client = HttpClient.newHttpClient();
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread occupant = Thread.ofPlatform().start(() -> {
                try {
                    d.scanner().inSlot(() -> {
                        holding.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(holding.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<HttpResponse<String>> scan = client.sendAsync(
                    HttpRequest.newBuilder(http.baseUri().resolve("/v1/scan")).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.EICAR)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (d.scanner().queued() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(d.scanner().queued()).as("the HTTP scan queues behind the busy slot").isEqualTo(1);
            assertThat(scan).isNotDone();
            release.countDown();
            occupant.join();
            HttpResponse<String> done = scan.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("Eicar-Test-Signature-NDB.UNOFFICIAL");
        }
    }
}
