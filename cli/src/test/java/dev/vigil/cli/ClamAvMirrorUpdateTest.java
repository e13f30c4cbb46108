package dev.vigil.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil update --clamav-mirror}: ClamAV's signed test containers (../shared/signatures/clamav/test-cvd, signed
 * with ClamAV's key) installed atomically, with the "no transparency-log proof" warning; tampered and older
 * containers refused with exit 2 and the installed set untouched.
 */
class ClamAvMirrorUpdateTest {
    @TempDir
    Path dir;

    private static Path testCvd(int n) {
        String shared = System.getProperty("vigil.shared", "../../shared");
        return Path.of(shared).resolve("signatures/clamav/test-cvd/test-" + n + ".cvd");
    }

    private CliRun update() {
        return CliRun.run(dir, "update", "--clamav-mirror", "mirror", "--database", "test", "--root", "db");
    }

    @Test
    void installsSignedContainersAndRefusesBadOnes() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(testCvd(1)), "ClamAV test containers are not in ../shared");
        Path mirror = Files.createDirectories(dir.resolve("mirror"));
        Files.copy(testCvd(2), mirror.resolve("test.cvd"));
        CliRun first = update();
        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.err()).contains("no transparency-log proof");
        assertThat(first.out()).contains("test.cvd version 2,").contains("(no transparency-log proof)");
        Path installed = dir.resolve("db/current/test.cvd");
        assertThat(Files.mismatch(installed, testCvd(2))).isEqualTo(-1);

        Files.copy(testCvd(1), mirror.resolve("test.cvd"), StandardCopyOption.REPLACE_EXISTING);
        CliRun older = update();
        assertThat(older.status()).as(older.toString()).isEqualTo(2);
        assertThat(older.err()).contains("update refused: test.cvd version 1 is older than the installed version 2");

        byte[] tampered = Files.readAllBytes(testCvd(3));
        tampered[tampered.length - 100] ^= 1;
        Files.write(mirror.resolve("test.cvd"), tampered);
        CliRun bad = update();
        assertThat(bad.status()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("update refused: test.cvd:");
        assertThat(Files.mismatch(installed, testCvd(2))).isEqualTo(-1);

        Files.copy(testCvd(3), mirror.resolve("test.cvd"), StandardCopyOption.REPLACE_EXISTING);
        CliRun newer = update();
        assertThat(newer.status()).as(newer.toString()).isZero();
        assertThat(Files.mismatch(installed, testCvd(3))).isEqualTo(-1);
        try (var s = Files.list(dir.resolve("db"))) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain(".staging").allMatch(n -> !n.startsWith(".staging"));
        }
    }
}
