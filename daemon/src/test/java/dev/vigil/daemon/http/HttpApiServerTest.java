package dev.vigil.daemon.http;

import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.vigil.daemon.http.TestSupport.EICAR;
import static dev.vigil.daemon.http.TestSupport.files;
import static dev.vigil.daemon.http.TestSupport.get;
import static dev.vigil.daemon.http.TestSupport.json;
import static dev.vigil.daemon.http.TestSupport.multipart;
import static dev.vigil.daemon.http.TestSupport.post;
import static dev.vigil.daemon.http.TestSupport.results;
import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint and its status codes, through the JDK's HTTP client on loopback. */
class HttpApiServerTest {
    @TempDir
    Path spool;

    private final List<HttpApiServer> servers = new ArrayList<>();

    private HttpApiServer start(HttpApiConfig.Builder config, ScanBackend backend) throws IOException {
        HttpApiServer s = new HttpApiServer(config.port(0).spoolDirectory(spool).build(), backend).start();
        servers.add(s);
        return s;
    }

    private HttpApiServer start() throws IOException {
        return start(HttpApiConfig.builder(), TestSupport.defaultBackend());
    }

    @AfterEach
    void closeAndCheckSpool() throws IOException {
        servers.forEach(HttpApiServer::close);
        try (var left = Files.list(spool)) {
            assertThat(left).as("temporary files left behind").isEmpty();
        }
    }

    @Test
    void bindsLoopbackByDefault() throws Exception {
        HttpApiServer s = start();
        assertThat(s.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(HttpApiConfig.builder().build().bindAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void rawBodyWithEicarIsFound() throws Exception {
        HttpApiServer s = start();
        HttpResponse<String> r = post(s, "/v1/scan?name=eicar.com", "application/octet-stream", EICAR);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        Map<String, Object> file = results(r).get(0);
        assertThat(file).containsEntry("name", "eicar.com").containsEntry("status", "FOUND")
                .containsEntry("limitExceeded", null);
        assertThat(((Number) file.get("size")).longValue()).isEqualTo(EICAR.length);
        assertThat(file.get("detections").toString()).contains("Win.Test.EICAR_HDB-1").contains("HASH");
    }

    @Test
    void cleanBodyIsOkAndEmptyBodyToo() throws Exception {
        HttpApiServer s = start();
        HttpResponse<String> r = post(s, "/v1/scan", "application/octet-stream",
                "just text".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(results(r)).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("name", "stream").containsEntry("status", "OK");
            assertThat((List<?>) f.get("detections")).isEmpty();
        });
        HttpResponse<String> empty = post(s, "/v1/scan", "application/octet-stream", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(results(empty).get(0)).containsEntry("status", "OK");
    }

    @Test
    void multipartWithSeveralFilesReportsEach() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().spoolThreshold(16), TestSupport.defaultBackend());
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        byte[] body = multipart("b0und4ry", files("a.txt", "hello".getBytes(StandardCharsets.US_ASCII),
                "eicar.com", EICAR, "big.bin", big, "empty", new byte[0], "ünïcode \"q\".bin", EICAR));
        HttpResponse<String> r = post(s, "/v1/scan", "multipart/form-data; boundary=b0und4ry", body);
        assertThat(r.statusCode()).isEqualTo(200);
        List<Map<String, Object>> files = results(r);
        assertThat(files).extracting(f -> f.get("name"))
                .containsExactly("a.txt", "eicar.com", "big.bin", "empty", "ünïcode \"q\".bin");
        assertThat(files).extracting(f -> f.get("status")).containsExactly("OK", "FOUND", "OK", "OK", "FOUND");
        assertThat(files).extracting(f -> ((Number) f.get("size")).longValue())
                .containsExactly(5L, 68L, 200_000L, 0L, 68L);
    }

    @Test
    void allMatchIsPassedToTheEngine() throws Exception {
        AtomicBoolean seen = new AtomicBoolean();
        ScanBackend recording = new DelegatingBackend(TestSupport.defaultBackend()) {
            @Override
            public ScanOutcome scan(java.io.InputStream body, long maxBytes, boolean allMatch) throws IOException {
                seen.set(allMatch);
                return super.scan(body, maxBytes, allMatch);
            }
        };
        HttpApiServer s = start(HttpApiConfig.builder(), recording);
        assertThat(post(s, "/v1/scan?allmatch=true", "application/octet-stream", EICAR).statusCode()).isEqualTo(200);
        assertThat(seen).isTrue();
        assertThat(post(s, "/v1/scan?allmatch=false", "application/octet-stream", EICAR).statusCode())
                .isEqualTo(200);
        assertThat(seen).isFalse();
        assertThat(post(s, "/v1/scan?allmatch=maybe", "application/octet-stream", EICAR).statusCode())
                .isEqualTo(400);
        assertThat(post(s, "/v1/scan?colour=blue", "application/octet-stream", EICAR).statusCode()).isEqualTo(400);
        assertThat(post(s, "/v1/scan?name=a&name=b", "application/octet-stream", EICAR).statusCode())
                .isEqualTo(400);
    }

    @Test
    void aScanThatFailsIsReportedAsErrorWith200() throws Exception {
        ScanBackend failing = new DelegatingBackend(TestSupport.defaultBackend()) {
            @Override
            public ScanOutcome scan(java.io.InputStream body, long maxBytes, boolean allMatch) throws IOException {
                throw new IOException("disk on fire");
            }
        };
        HttpApiServer s = start(HttpApiConfig.builder(), failing);
        HttpResponse<String> r = post(s, "/v1/scan", "application/octet-stream", EICAR);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(results(r).get(0)).containsEntry("status", "ERROR").containsEntry("error", "disk on fire");
        assertThat(get(s, "/metrics").body()).contains("vigil_http_scans_total{status=\"ERROR\"} 1");
    }

    @Test
    void scanLimitsAreReported() throws Exception {
        Engine engine = TestSupport.defaultEngine();
        ScanBackend limited = EngineScanBackend.serving(engine, () -> engine, ScanLimits.DEFAULT.withMaxFileSize(10));
        HttpApiServer s = start(HttpApiConfig.builder(), limited);
        HttpResponse<String> r = post(s, "/v1/scan", "application/octet-stream", EICAR);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(results(r).get(0)).containsEntry("status", "OK").containsEntry("limitExceeded", "MaxFileSize");
    }

    @Test
    void withoutDatabase503() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder(), new EngineScanBackend(TestSupport::defaultEngine,
                ScanLimits.DEFAULT));
        HttpResponse<String> r = post(s, "/v1/scan", "application/octet-stream", EICAR);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(r)).containsKey("error");
        assertThat(get(s, "/healthz").statusCode()).isEqualTo(503);
        assertThat(json(get(s, "/v1/version"))).containsEntry("database", null);
        assertThat(get(s, "/metrics").body()).contains("vigil_database_loaded 0");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        HttpApiServer s = start();
        assertThat(get(s, "/").statusCode()).isEqualTo(404);
        assertThat(get(s, "/v1/scan/extra").statusCode()).isEqualTo(404);
        assertThat(get(s, "/v2/scan").statusCode()).isEqualTo(404);
        HttpResponse<String> wrong = get(s, "/v1/scan");
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("POST");
        assertThat(post(s, "/healthz", "text/plain", new byte[0]).statusCode()).isEqualTo(405);
        HttpResponse<String> delete = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s,
                "/v1/version")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET");
        HttpResponse<String> head = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s,
                "/healthz")).HEAD().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(head.body()).isEmpty();
        assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void versionAndHealth() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().engineVersion("9.8.7"), TestSupport.defaultBackend());
        HttpResponse<String> v = get(s, "/v1/version");
        assertThat(v.statusCode()).isEqualTo(200);
        Map<String, Object> body = json(v);
        assertThat(body.get("engine").toString()).contains("9.8.7");
        @SuppressWarnings("unchecked")
        Map<String, Object> db = (Map<String, Object>) body.get("database");
        assertThat(((Number) db.get("signatures")).intValue()).isEqualTo(TestSupport.defaultEngine().signatureCount());
        assertThat(db.get("version").toString()).contains("built-in defaults");
        assertThat(java.time.Instant.parse((String) db.get("loadedAt"))).isBeforeOrEqualTo(java.time.Instant.now());
        HttpResponse<String> h = get(s, "/healthz");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(json(h)).containsEntry("databaseLoaded", true);
    }

    @Test
    void tokenProtectsEverythingButHealth() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().token("s3cr3t-token"), TestSupport.defaultBackend());
        for (String path : List.of("/v1/version", "/metrics", "/v1/openapi.json")) {
            HttpResponse<String> r = get(s, path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    h -> assertThat(h).startsWith("Bearer realm="));
        }
        assertThat(post(s, "/v1/scan", "application/octet-stream", EICAR).statusCode()).isEqualTo(401);
        assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
        for (String bad : List.of("Bearer wrong", "Bearer s3cr3t-toke", "Bearer s3cr3t-tokenX", "Basic czNjcjN0",
                "Bearer")) {
            HttpResponse<String> r = send(s, "/v1/version", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(401);
        }
        assertThat(send(s, "/v1/version", "Bearer wrong").headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).contains("invalid_token"));
        assertThat(send(s, "/v1/version", "Bearer s3cr3t-token").statusCode()).isEqualTo(200);
        assertThat(send(s, "/v1/version", "bearer s3cr3t-token").statusCode()).isEqualTo(200);
        HttpResponse<String> scan = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s, "/v1/scan"))
                .header("Authorization", "Bearer s3cr3t-token").POST(HttpRequest.BodyPublishers.ofByteArray(EICAR))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scan.statusCode()).isEqualTo(200);
        assertThat(results(scan).get(0)).containsEntry("status", "FOUND");
    }

    private static HttpResponse<String> send(HttpApiServer s, String path, String authorization)
            throws IOException, InterruptedException {
        return TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s, path))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> reload(HttpApiServer s, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(TestSupport.uri(s, "/v1/reload"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return TestSupport.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reloadNeedsAConfiguredToken() throws Exception {
        HttpApiServer open = start();
        assertThat(reload(open, null).statusCode()).isEqualTo(403);
        HttpApiServer locked = start(HttpApiConfig.builder().token("t0k"), TestSupport.defaultBackend());
        assertThat(reload(locked, null).statusCode()).isEqualTo(401);
        assertThat(reload(locked, "nope").statusCode()).isEqualTo(401);
    }

    @Test
    void reloadSwapsTheDatabaseAndAFailureKeepsTheOldOne() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        Engine empty = Engine.builder().build();
        EngineScanBackend backend = EngineScanBackend.serving(TestSupport.defaultEngine(), () -> {
            if (broken.get()) {
                throw new IOException("bad signature line 3");
            }
            return empty;
        }, ScanLimits.DEFAULT);
        HttpApiServer s = start(HttpApiConfig.builder().token("t0k"), backend);
        HttpResponse<String> failed;
        broken.set(true);
        failed = reload(s, "t0k");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(json(failed)).containsEntry("reloaded", false);
        assertThat(json(failed).get("message").toString()).contains("bad signature line 3");
        assertThat(scanStatus(s)).isEqualTo("FOUND"); // the old database still serves
        broken.set(false);
        HttpResponse<String> ok = reload(s, "t0k");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok)).containsEntry("reloaded", true);
        assertThat(scanStatus(s)).isEqualTo("OK"); // the new, empty database detects nothing
        String metrics = send(s, "/metrics", "Bearer t0k").body();
        assertThat(metrics).contains("vigil_reloads_total 2").contains("vigil_reload_failures_total 1");
    }

    private static String scanStatus(HttpApiServer s) throws Exception {
        HttpResponse<String> r = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s, "/v1/scan"))
                .header("Authorization", "Bearer t0k").POST(HttpRequest.BodyPublishers.ofByteArray(EICAR))
                .build(), HttpResponse.BodyHandlers.ofString());
        return (String) results(r).get(0).get("status");
    }

    @Test
    void metricsCountScansBytesDetectionsAndLatency() throws Exception {
        HttpApiServer s = start(HttpApiConfig.builder().maxDetectionNames(1), TestSupport.defaultBackend());
        post(s, "/v1/scan", "application/octet-stream", EICAR);
        post(s, "/v1/scan", "application/octet-stream", "clean".getBytes(StandardCharsets.US_ASCII));
        byte[] testFile = clamavTestFile();
        if (testFile != null) {
            post(s, "/v1/scan", "application/octet-stream", testFile);
        }
        HttpResponse<String> r = get(s, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        PrometheusText.Exposition m = PrometheusText.parse(r.body());
        long found = testFile != null ? 2 : 1;
        assertThat(m.value("vigil_http_scans_total", Map.of("status", "FOUND"))).isEqualTo(found);
        assertThat(m.value("vigil_http_scans_total", Map.of("status", "OK"))).isEqualTo(1);
        assertThat(m.value("vigil_http_scanned_bytes_total", Map.of()))
                .isEqualTo(EICAR.length + 5 + (testFile != null ? testFile.length : 0));
        assertThat(m.value("vigil_http_detections_total", Map.of("name", "Win.Test.EICAR_HDB-1"))).isEqualTo(1);
        if (testFile != null) {
            // the cap is one distinct name: the second name goes to the shared series
            assertThat(m.value("vigil_http_detections_total", Map.of("name", Metrics.OTHER_NAME))).isEqualTo(1);
        }
        assertThat(m.value("vigil_http_scan_duration_seconds_count", Map.of())).isEqualTo(found + 1);
        assertThat(m.value("vigil_http_scan_duration_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(found + 1);
        assertThat(m.type("vigil_http_scan_duration_seconds")).isEqualTo("histogram");
        assertThat(m.value("vigil_http_scans_in_flight", Map.of())).isEqualTo(0);
        assertThat(m.value("vigil_http_requests_total", Map.of("route", "/v1/scan", "code", "200")))
                .isEqualTo(found + 1);
    }

    /** ClamAV's own test file, when Debian's clamav-testfiles are installed. */
    private static byte[] clamavTestFile() throws IOException {
        Path p = Path.of("/usr/share/clamav-testfiles/clam.exe");
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApiDocumentsExactlyTheServedRoutes() throws Exception {
        HttpApiServer s = start();
        HttpResponse<String> r = get(s, "/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = json(r);
        assertThat(doc.get("openapi")).isEqualTo("3.1.0");
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        List<HttpApiServer.Route> documented = new ArrayList<>();
        for (Map.Entry<String, Object> p : paths.entrySet()) {
            for (String method : ((Map<String, Object>) p.getValue()).keySet()) {
                documented.add(new HttpApiServer.Route(method.toUpperCase(java.util.Locale.ROOT), p.getKey()));
            }
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(HttpApiServer.ROUTES);
        // every documented route answers (not 404/405), and every path the routing accepts is documented
        for (HttpApiServer.Route route : documented) {
            HttpResponse<String> answer = TestSupport.client().send(HttpRequest.newBuilder(TestSupport.uri(s,
                    route.path())).method(route.method(), HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(route.toString()).isNotIn(404, 405);
            Map<String, Object> op = (Map<String, Object>) ((Map<String, Object>) paths.get(route.path()))
                    .get(route.method().toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> responses = (Map<String, Object>) op.get("responses");
            assertThat(responses).as("documented codes of " + route).containsKey(
                    Integer.toString(answer.statusCode()));
        }
        // every $ref points at something that exists
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        for (String ref : refs) {
            Object target = doc;
            for (String part : ref.substring(2).split("/")) {
                target = ((Map<String, Object>) target).get(part);
            }
            assertThat(target).as(ref).isNotNull();
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectRefs(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (k.equals("$ref")) {
                    out.add((String) v);
                } else {
                    collectRefs(v, out);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, out));
        }
    }

    @Test
    void configRefusesNonsense() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> HttpApiConfig.builder().token("").build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> HttpApiConfig.builder().token("a b")
                .build())).isInstanceOf(IllegalArgumentException.class);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> HttpApiConfig.builder().threads(0).build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Forwards everything to another backend; tests override single methods. */
    static class DelegatingBackend implements ScanBackend {
        private final ScanBackend delegate;

        DelegatingBackend(ScanBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<DatabaseInfo> database() {
            return delegate.database();
        }

        @Override
        public ScanOutcome scan(java.io.InputStream body, long maxBytes, boolean allMatch) throws IOException {
            return delegate.scan(body, maxBytes, allMatch);
        }

        @Override
        public ReloadOutcome reload() {
            return delegate.reload();
        }
    }
}
