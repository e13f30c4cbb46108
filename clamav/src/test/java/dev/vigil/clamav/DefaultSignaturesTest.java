package dev.vigil.clamav;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashSignature;
import org.junit.jupiter.api.Assumptions;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefaultSignaturesTest {
    /** The EICAR test string as EICAR publishes it (68 bytes). */
    private static final byte[] EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
            .getBytes(StandardCharsets.US_ASCII);
    private static final Path CLAM_EXE = Path.of("/usr/share/clamav-testfiles/clam.exe");

    @Test
    void officialNamesWithoutUnofficialSuffix() {
        assertThat(DefaultSignatures.signatures()).extracting(HashSignature::name)
                .containsExactly("Win.Test.EICAR_HDB-1", "Clamav.Test.File-6")
                .noneMatch(n -> n.contains("UNOFFICIAL"));
        assertThat(DefaultSignatures.description()).contains("official ClamAV", "Win.Test.EICAR_HDB-1");
    }

    @Test
    void eicarSignatureIsTheMd5AndSizeOfTheEicarFile() throws Exception {
        HashSignature eicar = DefaultSignatures.signatures().get(0);
        assertThat(eicar.algorithm()).isEqualTo(HashAlgorithm.MD5);
        assertThat(eicar.size()).isEqualTo(EICAR.length);
        assertThat(eicar.digest()).isEqualTo(md5(EICAR));
    }

    @Test
    void clamTestFileSignatureIsTheMd5AndSizeOfClamExe() throws Exception {
        assumeOracle(Files.isReadable(CLAM_EXE), "clamav-testfiles not installed");
        byte[] data = Files.readAllBytes(CLAM_EXE);
        HashSignature clam = DefaultSignatures.signatures().get(1);
        assertThat(clam.size()).isEqualTo(data.length);
        assertThat(clam.digest()).isEqualTo(md5(data));
    }

    @Test
    void clamTestFileLineIsTheOneInsideTest6Cvd(@TempDir Path tmp) throws Exception {
        Path cvd = Path.of(System.getProperty("vigil.shared", "../shared"), "signatures/clamav/test-cvd/test-6.cvd");
        assumeOracle(Files.isReadable(cvd) && Files.isExecutable(Path.of("/usr/bin/sigtool")), "sigtool or test-6.cvd absent");
        Files.copy(cvd, tmp.resolve("test-6.cvd"));
        run(tmp, "/usr/bin/sigtool", "--unpack", "test-6.cvd");
        List<String> official = Files.readAllLines(tmp.resolve("test.hdb"));
        assertThat(official).contains(line(DefaultSignatures.signatures().get(1)));
    }

    @Test
    void clamscanLoadsTheResourceAndReportsTheSameNames(@TempDir Path tmp) throws Exception {
        assumeOracle(Files.isExecutable(Path.of("/usr/bin/clamscan")) && Files.isReadable(CLAM_EXE), "clamscan absent");
        try (var in = DefaultSignatures.class.getResourceAsStream(DefaultSignatures.RESOURCE)) {
            Files.write(tmp.resolve("defaults.hdb"), in.readAllBytes());
        }
        Files.write(tmp.resolve("eicar.com"), EICAR);
        Files.copy(CLAM_EXE, tmp.resolve("clam.exe"));
        List<String> out = run(tmp, "/usr/bin/clamscan", "--no-summary", "-d", "defaults.hdb", "eicar.com", "clam.exe");
        // clamscan marks signatures from unsigned files .UNOFFICIAL; the official databases carry the same names.
        assertThat(out).containsExactly(
                "eicar.com: Win.Test.EICAR_HDB-1.UNOFFICIAL FOUND",
                "clam.exe: Clamav.Test.File-6.UNOFFICIAL FOUND");
    }

    @Test
    void addToRegistersSignaturesAndSource() {
        EngineBuilder b = Engine.builder();
        assertThat(DefaultSignatures.addTo(b)).isEqualTo(2);
        assertThat(b.signatureCount()).isEqualTo(2);
        assertThat(b.build().sources()).containsExactly(DefaultSignatures.description());
    }

    @Test
    void malformedLinesAreRejected() {
        assertThatThrownBy(() -> DefaultSignatures.parse("abc:1\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DefaultSignatures.parse("abcd:1:x\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DefaultSignatures.parse("zz:1:x\n")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String line(HashSignature s) {
        return HexFormat.of().formatHex(s.digest()) + ":" + s.size() + ":" + s.name();
    }

    private static byte[] md5(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("MD5").digest(data);
    }

    private static void assumeOracle(boolean present, String why) {
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(present, why);
        }
    }

    private static List<String> run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new ArrayList<>(new String(out, StandardCharsets.UTF_8).lines().toList());
        lines.removeIf(String::isBlank);
        return lines;
    }
}
