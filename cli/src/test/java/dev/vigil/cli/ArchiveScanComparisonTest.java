package dev.vigil.cli;

import dev.vigil.clamav.DefaultSignatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil scan} on archives next to clamscan: the same lines and exit status with the archive options
 * (--scan-archive, --max-recursion, --max-files, --alert-exceeds-max, --alert-encrypted, --allmatch); and the JSON
 * output names where inside the archive a detection was found.
 */
class ArchiveScanComparisonTest {
    static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path tmp;
    static Path tree;
    static Path database;

    @BeforeAll
    static void buildTree() throws Exception {
        tree = Files.createDirectories(tmp.resolve("tree"));
        Files.write(tree.resolve("eicar.zip"), zip("eicar.com", EICAR));
        Files.write(tree.resolve("clean.zip"), zip("hello.txt", "hello\n".getBytes()));
        Files.write(tree.resolve("eicar.tar.gz"), gzip(tar("dir/eicar.com", EICAR)));
        byte[] deep = EICAR;
        for (int i = 0; i < 5; i++) {
            deep = zip("level" + i + ".zip", deep);
        }
        Files.write(tree.resolve("deep5.zip"), deep);
        var two = new ByteArrayOutputStream();
        try (var z = new ZipOutputStream(two)) {
            z.putNextEntry(new ZipEntry("a.txt"));
            z.write("clean".getBytes());
            z.putNextEntry(new ZipEntry("b.com"));
            z.write(EICAR);
        }
        Files.write(tree.resolve("two.zip"), two.toByteArray());
        var big = new ByteArrayOutputStream();
        try (var z = new ZipOutputStream(big)) {
            z.setLevel(0);
            z.putNextEntry(new ZipEntry("a.txt"));
            z.write("x".repeat(5000).getBytes());
            z.putNextEntry(new ZipEntry("b.com"));
            z.write(EICAR);
        }
        Files.write(tree.resolve("big.zip"), big.toByteArray());
        Path plain = Files.write(tmp.resolve("eicar.com"), EICAR);
        if (Files.isExecutable(Path.of("/usr/bin/zip"))) {
            Process p = new ProcessBuilder("/usr/bin/zip", "-q", "-j", "-P", "secret",
                    tree.resolve("encrypted.zip").toString(), plain.toString()).inheritIO().start();
            assertThat(p.waitFor()).isZero();
        }
        database = tmp.resolve("defaults.hdb");
        StringBuilder hdb = new StringBuilder();
        DefaultSignatures.signatures().forEach(s -> hdb.append(HexFormat.of().formatHex(s.digest())).append(':')
                .append(s.size()).append(':').append(s.name()).append('\n'));
        Files.writeString(database, hdb);
    }

    static Stream<List<String>> sameOutput() {
        List<String> all = List.of("clean.zip", "deep5.zip", "eicar.tar.gz", "eicar.zip", "two.zip");
        return Stream.of(
                concat(List.of("--no-summary"), all),
                concat(List.of("--no-summary", "--allmatch"), all),
                concat(List.of("--no-summary", "--scan-archive=no"), all),
                concat(List.of("--no-summary", "--scan-archive"), all),
                List.of("--no-summary", "--max-recursion=3", "deep5.zip", "eicar.zip"),
                List.of("--no-summary", "--max-recursion=3", "--alert-exceeds-max", "deep5.zip"),
                List.of("--no-summary", "--max-files=1", "two.zip"),
                List.of("--no-summary", "--max-files=1", "--alert-exceeds-max", "two.zip"),
                List.of("--no-summary", "--max-files=1", "--alert-exceeds-max", "--allmatch", "two.zip"),
                // Not big.zip: ClamAV also counts the normalised copy of a large text entry as a file.
                List.of("--no-summary", "--max-files=2", "--alert-exceeds-max", "--allmatch", "two.zip"),
                List.of("--no-summary", "--max-files=3", "--alert-exceeds-max", "--allmatch", "two.zip", "big.zip"),
                List.of("--no-summary", "--max-scansize=300", "--alert-exceeds-max", "two.zip", "big.zip"),
                List.of("--no-summary", "--max-scansize=400", "--alert-exceeds-max", "--allmatch", "two.zip"),
                List.of("--no-summary", "--max-scansize=5600", "--alert-exceeds-max", "--allmatch", "big.zip"),
                List.of("--no-summary", "--max-scansize=20000", "--allmatch", "big.zip"),
                List.of("--no-summary", "-r", "."),
                List.of("-i", "-r", "."));
    }

    @ParameterizedTest
    @MethodSource
    void sameOutput(List<String> args) throws Exception {
        compare(args);
    }

    @Test
    void encryptedEntriesAlertOnlyWhenAsked() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(tree.resolve("encrypted.zip")), "zip not installed");
        compare(List.of("--no-summary", "encrypted.zip"));
        compare(List.of("--no-summary", "--alert-encrypted", "encrypted.zip"));
        compare(List.of("--no-summary", "--alert-encrypted=yes", "--allmatch", "encrypted.zip", "eicar.zip"));
    }

    @Test
    void jsonNamesThePathInsideTheArchive() {
        Oracle.Output out = Oracle.vigil(tree, new byte[0], List.of("scan", "--no-progress", "--json",
                "eicar.tar.gz", "deep5.zip"));
        assertThat(out.stdoutLines()).hasSize(2);
        assertThat(out.stdoutLines().get(0)).contains("\"path\":\"eicar.tar.gz/gzip-data/dir/eicar.com\"");
        assertThat(out.stdoutLines().get(1))
                .contains("\"path\":\"deep5.zip/level4.zip/level3.zip/level2.zip/level1.zip/level0.zip\"");
    }

    private static void compare(List<String> args) throws Exception {
        Oracle.assumeClamscan();
        List<String> c = new ArrayList<>(List.of("-d", database.toString()));
        c.addAll(args);
        Oracle.Output ref = Oracle.clamscan(tree, new byte[0], c);
        List<String> v = new ArrayList<>(List.of("scan", "--no-progress", "-d", database.toString()));
        v.addAll(args);
        Oracle.Output vigil = Oracle.vigil(tree, new byte[0], v);
        assertThat(ClamscanComparisonTest.mask(vigil.stdoutLines())).as("stdout")
                .isEqualTo(ClamscanComparisonTest.mask(ref.stdoutLines()));
        assertThat(vigil.exit()).as("exit status").isEqualTo(ref.exit());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var g = new GZIPOutputStream(bytes)) {
            g.write(data);
        }
        return bytes.toByteArray();
    }

    /** A one-entry ustar archive, written by hand. */
    static byte[] tar(String name, byte[] data) {
        byte[] header = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, header, 0, n.length);
        put(header, 100, "0000644\0");
        put(header, 108, "0000000\0");
        put(header, 116, "0000000\0");
        put(header, 124, String.format("%011o\0", data.length));
        put(header, 136, "00000000000\0");
        header[156] = '0';
        put(header, 257, "ustar\0");
        put(header, 263, "00");
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o\0 ", sum));
        int padded = (data.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, out, 0, 512);
        System.arraycopy(data, 0, out, 512, data.length);
        return out;
    }

    private static void put(byte[] dst, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, dst, at, b.length);
    }
}
