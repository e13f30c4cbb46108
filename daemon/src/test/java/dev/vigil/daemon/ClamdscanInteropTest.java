package dev.vigil.daemon;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's clamdscan, a client nobody here wrote, run against a real clamd 1.4 and against vigild with the same
 * database and files, over TCP and the Unix socket, in its plain, --stream, --multiscan and --allmatch modes: its
 * output and exit status must be the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClamdscanInteropTest {
    private Fixtures.RealClamd clamd;
    private Vigild vigild;
    private Path files;
    private Path work;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Fixtures.assumeInstalled(Fixtures.CLAMD);
        Fixtures.assumeInstalled(Fixtures.CLAMDSCAN);
        work = tmp;
        Path db = Fixtures.database(tmp.resolve("db"));
        files = Fixtures.files(tmp.resolve("files"));
        clamd = new Fixtures.RealClamd(tmp.resolve("clamd"), db, "");
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, "");
    }

    @AfterAll
    void stop() throws Exception {
        Fixtures.stopAll(vigild, clamd);
    }

    record Run(int exit, String output) {
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tcp,", "tcp,--stream", "tcp,--multiscan", "tcp,--allmatch", "unix,", "unix,--stream",
            "unix,--multiscan", "unix,--allmatch", "unix,--version", "unix,--fdpass", "unix,--fdpass --multiscan"})
    void sameAsWithClamd(String transport, String mode) throws Exception {
        if (mode != null && mode.contains("--fdpass")) {
            NativeClient.require(vigild); // skips below Java 22
        }
        String clamdConf = transport.equals("tcp") ? "TCPSocket " + clamd.port + "\nTCPAddr 127.0.0.1\n"
                : "LocalSocket " + clamd.socket + "\n";
        String vigildConf = transport.equals("tcp") ? "TCPSocket " + vigild.server().tcpPort()
                + "\nTCPAddr 127.0.0.1\n" : "LocalSocket " + vigild.config().localSocket() + "\n";
        Run expected = clamdscan(clamdConf, mode);
        Run actual = clamdscan(vigildConf, mode);
        assertThat(actual.output().replace("ClamAV " + ClamdServer.VERSION, "ClamAV " + ClamdServer.CLAMD_VERSION))
                .isEqualTo(expected.output());
        assertThat(actual.exit()).isEqualTo(expected.exit());
        assertThat(expected.output()).isNotBlank();
        if (!"--version".equals(mode)) {
            assertThat(expected.output()).as("clamd scanned the files").contains("eicar.com: Eicar-Test-Signature");
        }
    }

    private Run clamdscan(String conf, String mode) throws IOException, InterruptedException {
        Path confFile = Files.createTempFile(work, "clamdscan", ".conf");
        Files.writeString(confFile, conf);
        List<String> cmd = new ArrayList<>(List.of(Fixtures.CLAMDSCAN.toString(), "--config-file=" + confFile,
                "--no-summary"));
        if (mode != null) {
            cmd.addAll(List.of(mode.split(" ")));
        }
        if (!"--version".equals(mode)) {
            for (String f : List.of("eicar.com", "clean.txt", "hashed.bin", "empty", "clean", "infected", "missing")) {
                cmd.add(files.resolve(f).toString());
            }
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("clamdscan hangs: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
