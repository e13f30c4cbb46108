package dev.vigil.daemon.http;

import dev.vigil.clamav.DefaultSignatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.vigil.daemon.http.TestSupport.EICAR;
import static dev.vigil.daemon.http.TestSupport.multipart;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API's verdicts equal what the real clamscan prints for the same bytes with the same database (the
 * built-in defaults, written out as the .hdb file they come from).
 */
class ClamscanAgreementTest {
    private static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    @TempDir
    Path dir;

    private HttpApiServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void verdictsAndNamesMatchClamscan() throws Exception {
        boolean required = Boolean.getBoolean("vigil.requireOracles");
        if (!required) {
            Assumptions.assumeTrue(Files.isExecutable(CLAMSCAN), "clamscan is not installed");
        }
        Path db = dir.resolve("defaults.hdb");
        try (InputStream in = DefaultSignatures.class.getResourceAsStream("defaults/defaults.hdb")) {
            assertThat(in).isNotNull();
            Files.write(db, in.readAllBytes());
        }
        Map<String, byte[]> samples = new LinkedHashMap<>();
        samples.put("eicar.com", EICAR);
        samples.put("clean.txt", "nothing to see".getBytes(StandardCharsets.US_ASCII));
        samples.put("eicar-with-tail.bin", (new String(EICAR, StandardCharsets.US_ASCII) + "tail")
                .getBytes(StandardCharsets.US_ASCII));
        Path clamExe = Path.of("/usr/share/clamav-testfiles/clam.exe");
        if (Files.isRegularFile(clamExe)) {
            samples.put("clam.exe", Files.readAllBytes(clamExe));
        }
        Path files = Files.createDirectory(dir.resolve("files"));
        List<String> args = new ArrayList<>(List.of(CLAMSCAN.toString(), "--no-summary", "-d", db.toString()));
        for (Map.Entry<String, byte[]> e : samples.entrySet()) {
            Files.write(files.resolve(e.getKey()), e.getValue());
            args.add(files.resolve(e.getKey()).toString());
        }
        Process p = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int colon = line.lastIndexOf(": ");
            if (colon < 0) {
                continue;
            }
            String name = Path.of(line.substring(0, colon)).getFileName().toString();
            String verdict = line.substring(colon + 2);
            // clamscan marks names from a database without a signed container ".UNOFFICIAL"; the built-ins are
            // the official ClamAV signatures and Vigil reports them without the mark.
            expected.put(name, verdict.replace(".UNOFFICIAL FOUND", " FOUND"));
        }
        assertThat(expected).as(out).hasSize(samples.size());

        server = new HttpApiServer(HttpApiConfig.builder().port(0).spoolDirectory(dir).build(),
                TestSupport.defaultBackend()).start();
        HttpResponse<String> r = TestSupport.post(server, "/v1/scan", "multipart/form-data; boundary=cmp",
                multipart("cmp", samples));
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> actual = new LinkedHashMap<>();
        for (Map<String, Object> f : TestSupport.results(r)) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> detections = (List<Map<String, Object>>) f.get("detections");
            String verdict = f.get("status").equals("FOUND") ? detections.get(0).get("name") + " FOUND"
                    : (String) f.get("status");
            actual.put((String) f.get("name"), verdict);
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(expected).containsValue("Win.Test.EICAR_HDB-1 FOUND");
    }

}
