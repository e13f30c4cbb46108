package dev.vigil.daemon;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.stream.Stream;

import static dev.vigil.daemon.Fixtures.ascii;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * clamd.conf's content limits (MaxHTMLNormalize, MaxHTMLNoTags, MaxScriptNormalize, MaxEmbeddedPE,
 * PCREMaxFileSize) applied by vigild as by a real clamd with the same file: each input comes in a size just within
 * and one just past its limit. The limits without effect in vigild are in the file too, and must not be refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentLimitsComparisonTest {
    private static final Path CLAM_EXE = Path.of("/usr/share/clamav-testfiles/clam.exe");
    private static final int LIMIT = 300;
    /**
     * Above embedded.exe's size: clamd drops what its raw scan found embedded in a file past PCREMaxFileSize when
     * the database has PCRE subsignatures, which vigild does not do (docs/unpack.md).
     */
    private static final int PCRE_LIMIT = 3000;
    private static final String CONFIG = "AlertExceedsMax yes\nAllowAllMatchScan yes\nMaxHTMLNormalize " + LIMIT
            + "\nMaxHTMLNoTags " + (LIMIT / 2) + "\nMaxScriptNormalize " + LIMIT + "\nPCREMaxFileSize " + PCRE_LIMIT
            + "\nMaxZipTypeRcg 1K\nMaxPartitions 1\nMaxIconsPE 1\nMaxRecHWP3 1\nPCREMatchLimit 100000\n"
            + "PCRERecMatchLimit 2000\n";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Fixtures.RealClamd clamd;
    private Vigild vigild;
    private Path files;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Fixtures.assumeInstalled(Fixtures.CLAMD);
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(CLAM_EXE), "clamav-testfiles not installed");
        }
        Path db = Files.createDirectories(tmp.resolve("db"));
        byte[] exe = Files.readAllBytes(CLAM_EXE);
        Files.writeString(db.resolve("limits.hdb"), Fixtures.md5(exe) + ":" + exe.length + ":Test.ClamExe\n");
        Files.writeString(db.resolve("limits.ndb"), "Test.HtmlComment:3:*:" + hex("vigilscriptmarker") + "\n"
                + "Test.HtmlNoTags:3:*:" + hex("vigil marker") + "\n"
                + "Test.TextNorm:7:*:" + hex("vigil text marker") + "\n");
        Files.writeString(db.resolve("limits.ldb"), "Test.Pcre;Engine:81-255,Target:0;0&1;41424344;0/ABCD[0-9]+/\n");
        files = Files.createDirectories(tmp.resolve("files"));
        String html = "<html><body>\n<p>Hello <b>vigil</b>marker here</p>\n"
                + "<script>var vigilscriptmarker=1;</script>\n</body></html>\n";
        write("small.html", html);
        write("mid.html", html + " ".repeat(LIMIT / 2 + 1 - html.length()));
        write("big.html", html + " ".repeat(LIMIT + 1 - html.length()));
        String text = "Hello World\nVigil   Text   Marker\n";
        write("small.txt", text + "x".repeat(LIMIT - text.length()));
        write("big.txt", text + "x".repeat(LIMIT + 1 - text.length()));
        String pcre = "\0".repeat(50) + "ABCD12345";
        write("small.pcre", pcre + "\0".repeat(PCRE_LIMIT - pcre.length()));
        write("big.pcre", pcre + "\0".repeat(PCRE_LIMIT + 1 - pcre.length()));
        Files.write(files.resolve("embedded.exe"), Fixtures.concat(exe, new byte[1000], exe));
        String withPe = CONFIG + "MaxEmbeddedPE " + exe.length + "\n";
        clamd = new Fixtures.RealClamd(tmp.resolve("clamd"), db, withPe);
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, withPe);
    }

    @AfterAll
    void stop() throws Exception {
        Fixtures.stopAll(vigild, clamd);
    }

    Stream<String> requests() {
        String f = files.toString();
        return Stream.of("zCONTSCAN " + f + "\0", "zALLMATCHSCAN " + f + "/small.html\0",
                "zALLMATCHSCAN " + f + "/mid.html\0", "zALLMATCHSCAN " + f + "/big.html\0",
                "zSCAN " + f + "/embedded.exe\0");
    }

    @ParameterizedTest
    @MethodSource("requests")
    void sameReplies(String request) throws Exception {
        String expected = Fixtures.show(Fixtures.exchange(clamd.tcp(), ascii(request), WAIT));
        String actual = Fixtures.show(Fixtures.exchange(Fixtures.tcp(vigild), ascii(request), WAIT));
        assertThat(actual).isEqualTo(expected);
        assertThat(expected).as("clamd answered").isNotEmpty();
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(files.resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }
}
