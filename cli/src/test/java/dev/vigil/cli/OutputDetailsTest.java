package dev.vigil.cli;

import dev.vigil.clamav.DefaultSignatures;
import dev.vigil.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON output, --version, data counters and detections, checked against independent tools where one exists. */
class OutputDetailsTest {
    private static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(StandardCharsets.US_ASCII);
    private static final Path CLAM_EXE = Path.of("/usr/share/clamav-testfiles/clam.exe");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void jsonLinesParseAndCarryTheExactPaths() throws Exception {
        Oracle.assumeAvailable(Files.isExecutable(PYTHON), "python3");
        List<String> names = List.of("plain.txt", "quote\"name", "back\\slash", "tab\tname", "new\nline",
                "ctrl\u0001x", "ünï€😀", "empty");
        for (String n : names) {
            Files.writeString(dir.resolve(n), n.equals("empty") ? "" : "content of " + n);
        }
        Oracle.Output out = Oracle.vigil(dir, new byte[0], List.of("scan", "--json", ".", "missing"));
        assertThat(out.exit()).isEqualTo(2);
        // python3's json module is the judge: each line must be one object; we get back path bytes and fields.
        String script = """
                import sys, json
                for line in sys.stdin.buffer.read().decode('utf-8').split('\\n'):
                    if not line: continue
                    o = json.loads(line)
                    assert set(o) >= {'path','status','detections','size','type','limit'}, o
                    print(o['path'].encode('utf-8').hex(), o['status'], o['size'], len(o['detections']), o.get('error'))
                """;
        List<String> parsed = python(script, out.stdout().getBytes(StandardCharsets.UTF_8));
        List<String> expected = new ArrayList<>();
        for (String n : names) {
            long size = Files.size(dir.resolve(n));
            expected.add(hex("./" + n) + " OK " + size + " 0 None");
        }
        expected.add(hex("missing") + " ERROR None 0 No such file or directory");
        assertThat(parsed).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(out.stderrLines()).containsExactly("missing: No such file or directory",
                "WARNING: missing: Can't access file");
    }

    @Test
    void versionNamesTheSignatureSet() throws Exception {
        Oracle.Output defaults = Oracle.vigil(dir, new byte[0], List.of("--version"));
        assertThat(defaults.exit()).isZero();
        assertThat(defaults.stdoutLines()).hasSize(2);
        assertThat(defaults.stdoutLines().get(0)).matches("Vigil \\S+");
        assertThat(defaults.stdoutLines().get(1)).isEqualTo("Signatures: " + DefaultSignatures.description());
        assertThat(Oracle.vigil(dir, new byte[0], List.of("scan", "-V")).stdout()).isEqualTo(defaults.stdout());
    }

    @Test
    void versionReadsCvdHeadersLikeSigtool() throws Exception {
        Path cvd = Path.of(System.getProperty("vigil.shared", "../shared"), "signatures/clamav/test-cvd/test-6.cvd");
        Oracle.assumeAvailable(Files.isReadable(cvd) && Files.isExecutable(Path.of("/usr/bin/sigtool")),
                "sigtool and test-6.cvd");
        List<String> info = run(List.of("/usr/bin/sigtool", "--info", cvd.toString()), new byte[0]);
        String built = field(info, "Build time: ");
        String version = field(info, "Version: ");
        String sigs = field(info, "Signatures: ");
        Oracle.Output out = Oracle.vigil(dir, new byte[0], List.of("scan", "-V", "-d", cvd.toString(),
                "-d", cvd.getParent().toString()));
        assertThat(out.exit()).isZero();
        String expected = "version " + version + ", " + sigs + " signatures, built " + built;
        assertThat(out.stdoutLines().get(1)).isEqualTo("Signatures: " + cvd + " (" + expected + ")");
        assertThat(out.stdoutLines().get(2)).startsWith("Signatures: " + cvd.getParent() + " (directory: ")
                .contains("test-6.cvd " + expected);
    }

    @Test
    void dataReadCountsFourKilobyteBlocksOfEveryFileLikeClamscan() throws Exception {
        Oracle.assumeClamscan();
        byte[] big = new byte[1_500_000];
        new Random(1).nextBytes(big);
        Files.write(dir.resolve("big"), big);
        Files.write(dir.resolve("small"), new byte[10_000]);
        Path db = Files.writeString(Files.createTempFile("defaults", ".hdb"), hdb());
        try {
            Oracle.Output ref = Oracle.clamscan(dir, new byte[0], List.of("-d", db.toString(), "big", "small"));
            Oracle.Output vigil = Oracle.vigil(dir, new byte[0], List.of("scan", "big", "small"));
            assertThat(dataRead(vigil)).isEqualTo(dataRead(ref)).isNotEqualTo("0.00");
        } finally {
            Files.delete(db);
        }
    }

    @Test
    void detectionsWithTheDefaultSignaturesMatchClamscan() throws Exception {
        Oracle.assumeClamscan();
        Oracle.assumeAvailable(Files.isReadable(CLAM_EXE), "clamav-testfiles");
        var builder = Engine.builder();
        DefaultSignatures.addTo(builder);
        // Until the matcher lands, the engine finds nothing; the formats are covered by ClamscanComparisonTest.
        Assumptions.assumeTrue(builder.build().scan(EICAR).infected(), "the engine's matcher is not in this build yet");
        Files.write(dir.resolve("eicar.com"), EICAR);
        Files.copy(CLAM_EXE, dir.resolve("clam.exe"));
        Files.writeString(dir.resolve("clean.txt"), "nothing here\n");
        Path db = Files.writeString(Files.createTempFile("defaults", ".hdb"), hdb());
        try {
            List<String> args = List.of("--allmatch", "eicar.com", "clam.exe", "clean.txt");
            List<String> clam = new ArrayList<>(List.of("-d", db.toString()));
            clam.addAll(args);
            Oracle.Output ref = Oracle.clamscan(dir, new byte[0], clam);
            List<String> vig = new ArrayList<>(List.of("scan", "--no-progress"));
            vig.addAll(args);
            Oracle.Output vigil = Oracle.vigil(dir, new byte[0], vig);
            // clamscan marks names from an unsigned .hdb ".UNOFFICIAL"; Vigil's built-ins are the official ones.
            List<String> expected = ClamscanComparisonTest.mask(
                    ref.stdoutLines().stream().map(l -> l.replace(".UNOFFICIAL FOUND", " FOUND")).toList());
            assertThat(ClamscanComparisonTest.mask(vigil.stdoutLines())).isEqualTo(expected);
            assertThat(vigil.exit()).isEqualTo(ref.exit()).isEqualTo(1);

            Oracle.Output json = Oracle.vigil(dir, new byte[0], List.of("scan", "--json", "eicar.com"));
            assertThat(json.stdout()).startsWith("{\"path\":\"eicar.com\",\"status\":\"FOUND\",\"detections\":"
                    + "[{\"name\":\"Win.Test.EICAR_HDB-1\",\"kind\":\"HASH\",");
        } finally {
            Files.delete(db);
        }
    }

    @Test
    void signedDatabaseGivenWithDMatchesClamscan() throws Exception {
        Oracle.assumeClamscan();
        Path cvd = Path.of(System.getProperty("vigil.shared", "../shared"), "signatures/clamav/test-cvd/test-6.cvd");
        Oracle.assumeAvailable(Files.isReadable(cvd) && Files.isReadable(CLAM_EXE), "test-6.cvd and clamav-testfiles");
        Files.write(dir.resolve("eicar.com"), EICAR);
        Files.copy(CLAM_EXE, dir.resolve("clam.exe"));
        Files.writeString(dir.resolve("clean.txt"), "nothing here\n");
        Files.writeString(dir.resolve("bad.hdb"), "not a signature\n");
        for (List<String> args : List.of(
                List.of("-d", cvd.toString(), "--allmatch", "eicar.com", "clam.exe", "clean.txt"),
                List.of("-d", cvd.toString(), "-i", "-r", "."),
                List.of("--database", cvd.toString(), "-d", cvd.toString(), "clam.exe"))) {
            Oracle.Output ref = Oracle.clamscan(dir, new byte[0], args);
            List<String> vig = new ArrayList<>(List.of("scan", "--no-progress"));
            vig.addAll(args);
            Oracle.Output vigil = Oracle.vigil(dir, new byte[0], vig);
            assertThat(ClamscanComparisonTest.mask(vigil.stdoutLines())).as(args.toString())
                    .isEqualTo(ClamscanComparisonTest.mask(ref.stdoutLines()));
            assertThat(vigil.exit()).isEqualTo(ref.exit()).isEqualTo(1);
        }
        // Databases that cannot be loaded: exit 2, an ERROR line, and the summary still printed.
        for (String db : List.of("missing.hdb", "bad.hdb")) {
            Oracle.Output ref = Oracle.clamscan(dir, new byte[0], List.of("-d", db, "clean.txt"));
            Oracle.Output vigil = Oracle.vigil(dir, new byte[0], List.of("scan", "-d", db, "clean.txt"));
            assertThat(vigil.exit()).isEqualTo(ref.exit()).isEqualTo(2);
            assertThat(vigil.stderr()).startsWith("ERROR: ").contains(db);
            assertThat(ClamscanComparisonTest.mask(vigil.stdoutLines()))
                    .isEqualTo(ClamscanComparisonTest.mask(ref.stdoutLines()));
        }
    }

    @Test
    void aClosedStdoutStopsTheScan() throws Exception {
        for (int i = 0; i < 600; i++) {
            Files.writeString(dir.resolve("f" + i), "x");
        }
        var closed = new java.io.OutputStream() {
            int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writes++;
                throw new IOException("Broken pipe");
            }
        };
        var err = new ByteArrayOutputStream();
        Io io = new Io(dir, new java.io.ByteArrayInputStream(new byte[0]), new java.io.PrintStream(closed, false),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), false);
        int exit = Main.run(new String[]{"scan", "--threads", "1", "."}, io);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("standard output is closed");
        assertThat(closed.writes).isLessThan(600); // stopped at a check, not after the whole report
    }

    private static String dataRead(Oracle.Output o) {
        return o.stdoutLines().stream().filter(l -> l.startsWith("Data read: ")).findFirst().orElseThrow()
                .replaceAll("^Data read: (\\S+) MB.*$", "$1");
    }

    private static String hdb() {
        StringBuilder b = new StringBuilder();
        DefaultSignatures.signatures().forEach(s -> b.append(HexFormat.of().formatHex(s.digest())).append(':')
                .append(s.size()).append(':').append(s.name()).append('\n'));
        return b.toString();
    }

    private static String field(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> python(String script, byte[] input) throws IOException, InterruptedException {
        return run(List.of(PYTHON.toString(), "-c", script), input);
    }

    private static List<String> run(List<String> command, byte[] input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = p.getOutputStream()) {
            in.write(input);
        }
        var out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
