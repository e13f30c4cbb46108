package dev.vigil.daemon;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.vigil.daemon.Fixtures.EICAR;
import static dev.vigil.daemon.Fixtures.ascii;
import static dev.vigil.daemon.Fixtures.chunk;
import static dev.vigil.daemon.Fixtures.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * clamd.conf settings that change replies, compared with a real clamd running the same configuration: AlertExceedsMax
 * with a small MaxFileSize, AllowAllMatchScan no, and MaxThreads 1 (too few threads for MULTISCAN).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsComparisonTest {
    private static final String CONFIG = "AlertExceedsMax yes\nMaxFileSize 1K\nStreamMaxLength 1M\n"
            + "AllowAllMatchScan no\nMaxThreads 1\n";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Fixtures.RealClamd clamd;
    private Vigild vigild;
    private Path files;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Fixtures.assumeInstalled(Fixtures.CLAMD);
        Path db = Fixtures.database(tmp.resolve("db"));
        files = Fixtures.files(tmp.resolve("files"));
        byte[] big = Arrays.copyOf(EICAR, 2048);
        Arrays.fill(big, EICAR.length, big.length, (byte) 'a');
        Files.write(files.resolve("big-eicar.bin"), big);
        Files.write(files.resolve("big-clean.bin"), new byte[2048]);
        clamd = new Fixtures.RealClamd(tmp.resolve("clamd"), db, CONFIG);
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, CONFIG);
    }

    @AfterAll
    void stop() throws Exception {
        Fixtures.stopAll(vigild, clamd);
    }

    Stream<Object[]> scenarios() {
        String f = files.toString();
        byte[] big = new byte[2048];
        return Stream.of(
                new Object[]{"instream over MaxFileSize", concat(ascii("zINSTREAM\0"), chunk(big), new byte[4])},
                new Object[]{"instream eicar under MaxFileSize", concat(ascii("zINSTREAM\0"), chunk(EICAR),
                        new byte[4])},
                new Object[]{"scan big clean file", ascii("zSCAN " + f + "/big-clean.bin\0")},
                new Object[]{"scan big infected file", ascii("zSCAN " + f + "/big-eicar.bin\0")},
                new Object[]{"contscan dir", ascii("zCONTSCAN " + f + "\0")},
                new Object[]{"allmatchscan disabled", ascii("zALLMATCHSCAN " + f + "/eicar.com\0")},
                new Object[]{"multiscan dir with one thread", ascii("zMULTISCAN " + f + "/infected\0")},
                new Object[]{"multiscan file with one thread", ascii("zMULTISCAN " + f + "/eicar.com\0")});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void sameReplies(String name, byte[] request) throws Exception {
        String expected = Fixtures.show(Fixtures.exchange(clamd.tcp(), request, WAIT));
        String actual = Fixtures.show(Fixtures.exchange(Fixtures.tcp(vigild), request, WAIT));
        assertThat(actual).as(name).isEqualTo(expected);
        assertThat(expected).as("clamd answered").isNotEmpty();
    }
}
