package dev.vigil.daemon;

import com.github.jlangch.aviron.Client;
import fi.solita.clamav.ClamAVClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import xyz.capybara.clamav.ClamavClient;
import xyz.capybara.clamav.Platform;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java clamd clients that Spring and other JVM services use (capybara, solita, aviron, all from Maven Central),
 * each run through the same steps against a real clamd and against vigild: what the client reports must be the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaClientsInteropTest {
    private Fixtures.RealClamd clamd;
    private Vigild vigild;
    private Path files;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Fixtures.assumeInstalled(Fixtures.CLAMD);
        Path db = Fixtures.database(tmp.resolve("db"));
        files = Fixtures.files(tmp.resolve("files"));
        clamd = new Fixtures.RealClamd(tmp.resolve("clamd"), db, "");
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, "");
    }

    @AfterAll
    void stop() throws Exception {
        Fixtures.stopAll(vigild, clamd);
    }

    @ParameterizedTest
    @ValueSource(strings = {"capybara", "solita", "aviron"})
    void sameResultsAsWithClamd(String client) throws Exception {
        List<String> expected = transcript(client, clamd.port);
        List<String> actual = transcript(client, vigild.server().tcpPort());
        assertThat(actual).isEqualTo(expected);
        assertThat(expected).anyMatch(s -> s.contains("Eicar-Test-Signature-NDB"));
    }

    private List<String> transcript(String client, int port) throws Exception {
        List<String> t = new ArrayList<>();
        switch (client) {
            case "capybara" -> {
                ClamavClient c = new ClamavClient("127.0.0.1", port, Platform.UNIX);
                c.ping();
                t.add("version " + normalise(c.version()));
                t.add("eicar " + c.scan(new ByteArrayInputStream(Fixtures.EICAR)));
                t.add("clean " + c.scan(new ByteArrayInputStream(new byte[5000])));
                t.add("hashed " + c.scan(new ByteArrayInputStream(Fixtures.HASHED)));
                t.add("path " + c.scan(files.resolve("eicar.com"), false));
                t.add("dir " + c.scan(files, true));
                t.add("parallel " + c.parallelScan(files.resolve("infected")));
            }
            case "solita" -> {
                ClamAVClient c = new ClamAVClient("127.0.0.1", port, 10_000);
                t.add("ping " + c.ping());
                byte[] eicar = c.scan(Fixtures.EICAR);
                t.add("eicar " + new String(eicar, StandardCharsets.US_ASCII) + " " + ClamAVClient.isCleanReply(eicar));
                byte[] clean = c.scan(new ByteArrayInputStream(new byte[100_000]));
                t.add("clean " + new String(clean, StandardCharsets.US_ASCII) + " " + ClamAVClient.isCleanReply(clean));
            }
            case "aviron" -> {
                Client c = Client.builder().serverHostname("127.0.0.1").serverPort(port).build();
                t.add("ping " + c.ping());
                t.add("version " + normalise(c.clamAvVersion()));
                t.add("eicar " + sorted(c.scan(new ByteArrayInputStream(Fixtures.EICAR))));
                t.add("clean " + sorted(c.scan(new ByteArrayInputStream(new byte[5000]))));
                t.add("path " + sorted(c.scan(files.resolve("eicar.com"))));
                t.add("dir " + sorted(c.scan(files, true)));
                t.add("parallel " + sorted(c.parallelScan(files.resolve("infected"))));
            }
            default -> throw new IllegalArgumentException(client);
        }
        return t;
    }

    private static String sorted(com.github.jlangch.aviron.dto.ScanResult r) {
        return r.isOK() + " " + new TreeMap<>(r.getVirusFound());
    }

    private static String normalise(String version) {
        return version.replace(ClamdServer.VERSION, ClamdServer.CLAMD_VERSION);
    }
}
