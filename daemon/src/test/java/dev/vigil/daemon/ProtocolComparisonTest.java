package dev.vigil.daemon;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.vigil.daemon.Fixtures.EICAR;
import static dev.vigil.daemon.Fixtures.ascii;
import static dev.vigil.daemon.Fixtures.chunk;
import static dev.vigil.daemon.Fixtures.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario matrix, sent byte for byte to a real clamd 1.4 and to vigild with the same database and files, over
 * TCP and over the Unix socket: the replies must be the same bytes, except the version string (normalised) and the
 * order of replies inside IDSESSION (clamd answers those as its threads finish them, so they are compared as sets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolComparisonTest {
    private static final String CONFIG = "StreamMaxLength 1M\nCommandReadTimeout 2\nReadTimeout 3\n";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Fixtures.RealClamd clamd;
    private Vigild vigild;
    private Path files;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Fixtures.assumeInstalled(Fixtures.CLAMD);
        Path db = Fixtures.database(tmp.resolve("db"));
        files = Fixtures.files(tmp.resolve("files"));
        clamd = new Fixtures.RealClamd(tmp.resolve("clamd"), db, CONFIG);
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, CONFIG);
    }

    @AfterAll
    void stop() throws Exception {
        Fixtures.stopAll(vigild, clamd);
    }

    record Scenario(String name, byte[] request, boolean unordered) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Scenario> scenarios() {
        String f = files.toString();
        byte[] big = new byte[400 * 1024];
        List<Scenario> s = new ArrayList<>(List.of(
                sc("ping z", "zPING\0"), sc("ping n", "nPING\n"), sc("ping old", "PING"),
                sc("ping old crlf", "PING\r\n"), sc("version z", "zVERSION\0"), sc("version n", "nVERSION\n"),
                sc("version old", "VERSION\n"), sc("versioncommands", "nVERSIONCOMMANDS\n"),
                sc("versioncommands old", "VERSIONCOMMANDS\n"), sc("unknown z", "zFOO\0"),
                sc("unknown n", "nFOO\n"), sc("unknown old", "FOO\n"), sc("empty z", "z\0"),
                sc("newline only", "\n"), sc("scan without argument", "zSCAN\0"),
                sc("trailing garbage", "zPINGX\0"), sc("end without session", "zEND\0"),
                sc("detstats", "zDETSTATS\0"), sc("detstatsclear", "nDETSTATSCLEAR\n"),
                sc("two commands in one packet", "zPING\0zPING\0"), sc("fildes without descriptor", "zFILDES\0x"),
                sc("scan eicar", "zSCAN " + f + "/eicar.com\0"), sc("scan eicar n", "nSCAN " + f + "/eicar.com\n"),
                sc("scan eicar old", "SCAN " + f + "/eicar.com"), sc("scan hashed", "zSCAN " + f + "/hashed.bin\0"),
                sc("scan file double slash", "zSCAN /" + f + "/eicar.com\0"),
                sc("scan missing double slash", "zSCAN /" + f + "/missing/\0"),
                sc("scan clean", "zSCAN " + f + "/clean.txt\0"),
                sc("scan empty", "zSCAN " + f + "/empty\0"), sc("scan missing", "zSCAN " + f + "/missing\0"),
                sc("scan clean dir", "zSCAN " + f + "/clean\0"), sc("scan infected dir", "zSCAN " + f + "/infected\0"),
                sc("scan dir trailing slash", "zSCAN " + f + "/clean/\0"),
                sc("scan dir double slash", "zSCAN /" + f + "/clean\0"),
                sc("contscan dir", "nCONTSCAN " + f + "\n"), sc("multiscan infected dir", "nMULTISCAN " + f
                        + "/infected\n"), sc("multiscan file", "zMULTISCAN " + f + "/eicar.com\0"),
                sc("allmatchscan", "zALLMATCHSCAN " + f + "/eicar.com\0"),
                sc("allmatchscan old", "ALLMATCHSCAN " + f + "/eicar.com\n"),
                new Scenario("instream eicar", concat(ascii("zINSTREAM\0"), chunk(EICAR), new byte[4]), false),
                new Scenario("instream eicar n", concat(ascii("nINSTREAM\n"), chunk(EICAR), new byte[4]), false),
                new Scenario("instream eicar split over chunks", concat(ascii("zINSTREAM\0"),
                        chunk(Arrays.copyOf(EICAR, 10)), chunk(Arrays.copyOfRange(EICAR, 10, EICAR.length)),
                        new byte[4]), false),
                new Scenario("instream clean", concat(ascii("zINSTREAM\0"), chunk(ascii("hello")), new byte[4]),
                        false),
                new Scenario("instream hashed", concat(ascii("zINSTREAM\0"), chunk(Fixtures.HASHED),
                        new byte[4]), false),
                new Scenario("instream empty", concat(ascii("zINSTREAM\0"), new byte[4]), false),
                new Scenario("instream old style", concat(ascii("INSTREAM\n"), chunk(EICAR), new byte[4]), false),
                new Scenario("instream chunk length ffffffff", concat(ascii("zINSTREAM\0"),
                        new byte[]{-1, -1, -1, -1}), false),
                new Scenario("instream chunk length 80000000", concat(ascii("zINSTREAM\0"),
                        new byte[]{-128, 0, 0, 0}), false),
                new Scenario("instream over StreamMaxLength across chunks", concat(ascii("zINSTREAM\0"), chunk(big),
                        chunk(big), chunk(big), new byte[4]), false),
                new Scenario("session", concat(ascii("zIDSESSION\0zPING\0zVERSION\0zSCAN " + f + "/eicar.com\0"
                        + "zINSTREAM\0"), chunk(EICAR), new byte[4], ascii("nPING\n"), ascii("zEND\0")), true),
                new Scenario("session with a command not allowed", ascii("zIDSESSION\0zPING\0zRELOAD\0zPING\0"),
                        true),
                new Scenario("session with unknown command", ascii("zIDSESSION\0zPING\0zBOGUS\0"), true),
                sc("command longer than clamd's buffer",
                        "zSCAN /" + "x".repeat(ClamdConnection.COMMAND_BUFFER + 10)),
                sc("long file name", "zSCAN /" + "x".repeat(3000) + "\0"),
                new Scenario("idsession old style", ascii("IDSESSION\n"), false),
                new Scenario("idle client", new byte[0], false)));
        return s.stream();
    }

    /** FILDES with descriptors, over the Unix socket only (the only transport that carries them). */
    Stream<FdConversation> fildesConversations() {
        return Stream.of(
                fd("fildes eicar", FdConversation.send("zFILDES\0"), FdConversation.withFile("\0", "eicar.com")),
                fd("fildes clean", FdConversation.send("zFILDES\0"), FdConversation.withFile("x", "clean.txt")),
                fd("fildes hashed n", FdConversation.send("nFILDES\n"), FdConversation.withFile("\0", "hashed.bin")),
                fd("fildes empty file", FdConversation.send("zFILDES\0"), FdConversation.withFile("\0", "empty")),
                fd("fildes old style", FdConversation.send("FILDES\n"), FdConversation.withFile("\0", "eicar.com")),
                fd("fildes directory", FdConversation.send("zFILDES\0"), FdConversation.withDirectory("\0",
                        "clean")),
                fd("fildes pipe", FdConversation.send("zFILDES\0"), FdConversation.withPipe("\0")),
                fd("fildes descriptor on the command", FdConversation.withFile("zFILDES\0", "eicar.com"),
                        FdConversation.send("\0")),
                fd("fildes descriptor on command and byte", FdConversation.withFile("zFILDES\0\0", "eicar.com")),
                fd("fildes then close", FdConversation.send("zFILDES\0"), FdConversation.shutdownOutput()),
                fd("fildes then idle", FdConversation.send("zFILDES\0")),
                fd("ancillary data with ping", FdConversation.withFile("zPING\0", "clean.txt")),
                fd("ancillary data alone", FdConversation.withFile("\0", "clean.txt")),
                new FdConversation("fildes in session", List.of(FdConversation.send("zIDSESSION\0zFILDES\0"),
                        FdConversation.withFile("\0", "eicar.com"), FdConversation.send("zFILDES\0"),
                        FdConversation.withFile("\0", "clean.txt"), FdConversation.send("zFILDES\0"),
                        FdConversation.withPipe("\0"), FdConversation.send("zPING\0zEND\0")), true),
                new FdConversation("fildes in session without descriptor", List.of(
                        FdConversation.send("zIDSESSION\0zPING\0"), FdConversation.send("zFILDES\0x"),
                        FdConversation.send("zPING\0zEND\0")), true),
                new FdConversation("ancillary data in session", List.of(FdConversation.send("zIDSESSION\0zPING\0"),
                        FdConversation.withFile("zPING\0", "clean.txt"), FdConversation.send("zEND\0")), true));
    }

    private static FdConversation fd(String name, FdConversation.Step... steps) {
        return new FdConversation(name, List.of(steps), false);
    }

    @ParameterizedTest(name = "unix: {0}")
    @MethodSource("fildesConversations")
    void fildes(FdConversation c) throws Exception {
        NativeClient client = NativeClient.require(vigild);
        String expected = normalise(c.run(client, clamd.unix(), files, WAIT), c.unordered());
        String actual = normalise(c.run(client, Fixtures.unix(vigild), files, WAIT), c.unordered());
        assertThat(actual).as(c.name()).isEqualTo(expected);
        assertThat(expected).as("the scenario produced an answer or a deliberate silence")
                .doesNotContain("<no end>");
    }

    private static Scenario sc(String name, String request) {
        return new Scenario(name, ascii(request), false);
    }

    @ParameterizedTest(name = "tcp: {0}")
    @MethodSource("scenarios")
    void tcp(Scenario s) throws Exception {
        compare(s, clamd.tcp(), Fixtures.tcp(vigild));
    }

    @ParameterizedTest(name = "unix: {0}")
    @MethodSource("scenarios")
    void unix(Scenario s) throws Exception {
        compare(s, clamd.unix(), Fixtures.unix(vigild));
    }

    @ParameterizedTest(name = "stats shape over {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"zSTATS\0", "nSTATS\n"})
    void stats(String request) throws Exception {
        String expected = shape(Fixtures.show(Fixtures.exchange(clamd.tcp(), ascii(request), WAIT)));
        String actual = shape(Fixtures.show(Fixtures.exchange(Fixtures.tcp(vigild), ascii(request), WAIT)));
        assertThat(actual).isEqualTo(expected);
    }

    /** STATS' figures differ between any two daemons; its layout must not. */
    private static String shape(String stats) {
        return stats.replaceAll("[0-9]+(\\.[0-9]+)?M?", "#").replaceAll("\t[A-Z]+ # \\\\n", "");
    }

    private void compare(Scenario s, SocketAddress reference, SocketAddress ours) throws Exception {
        String expected = normalise(Fixtures.exchange(reference, s.request(), WAIT), s.unordered());
        String actual = normalise(Fixtures.exchange(ours, s.request(), WAIT), s.unordered());
        assertThat(actual).as(s.name()).isEqualTo(expected);
        assertThat(expected).as("the scenario produced an answer or a deliberate silence")
                .doesNotContain("<no end>");
    }

    private static String normalise(byte[] reply, boolean unordered) {
        // FILDES replies name the descriptor by the daemon's own number for it
        String text = Fixtures.show(reply).replaceAll("ClamAV [^|/\\\\]+", "ClamAV <version>")
                .replaceAll("fd\\[[0-9]+\\]", "fd[N]");
        if (!unordered) {
            return text;
        }
        List<String> parts = new ArrayList<>(List.of(text.split("(?<=\\\\0|\\\\n)")));
        parts.sort(null);
        return String.join("", parts);
    }
}
