package dev.vigil.engine.exe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares the import-table text with clamscan: clamscan in debug mode prints the MD5 and length of what it hashed
 * ({@code IMP: <md5>:<size>}) whenever it computes an import hash, and prints nothing when it gives up.
 */
class PeImportsClamscanTest {
    private static final Pattern IMP = Pattern.compile("LibClamAV debug: IMP: ([0-9a-f]{32}):(\\d+)");

    @Test
    void syntheticImportTablesHashLikeClamscan(@TempDir Path dir) throws Exception {
        ClamscanOracle.assumePresent();
        Path db = dir.resolve("placeholder.imp");
        // clamscan only looks at import tables when some .imp signature is loaded.
        Files.writeString(db, "00000000000000000000000000000000:1:Vigil.Test.Placeholder\n");
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : PeImportsTest.cases().entrySet()) {
            Path file = dir.resolve(e.getKey() + ".exe");
            Files.write(file, e.getValue());
            byte[] text = PeImportsTest.text(e.getValue());
            String expected = text == null ? null : md5(text) + ":" + text.length;
            String actual = clamscanImportHash(db, file);
            if (!java.util.Objects.equals(expected, actual)) {
                mismatches.add(e.getKey() + ": vigil " + expected + ", clamscan " + actual);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void realExecutableIsDetectedBySignatureMadeFromVigilsText(@TempDir Path dir) throws Exception {
        ClamscanOracle.assumePresent();
        Path exe = Path.of(System.getProperty("vigil.shared", "../shared"),
                "conformance/clamav-unit-input/pe_allmatch/test.exe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(exe), "shared test.exe absent");
        byte[] text = PeImportsTest.text(Files.readAllBytes(exe));
        assertThat(text).isNotNull();
        Path db = dir.resolve("made.imp");
        Files.writeString(db, md5(text) + ":" + text.length + ":Vigil.Test.Imp\n"
                + md5(text) + ":" + (text.length + 1) + ":Vigil.Test.WrongSize\n");
        Path copy = dir.resolve("test.exe");
        Files.copy(exe, copy);
        Map<Path, java.util.Set<String>> found = ClamscanOracle.scan(db, List.of(copy));
        assertThat(found.get(copy)).containsExactly("Vigil.Test.Imp");
    }

    private static String md5(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    /** The first import hash clamscan reports for the file, or null. */
    private static String clamscanImportHash(Path db, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/clamscan", "--debug", "--no-summary", "-d", db.toString(),
                file.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("clamscan timed out");
        }
        Matcher m = IMP.matcher(out);
        return m.find() ? m.group(1) + ":" + m.group(2) : null;
    }
}
