package dev.vigil.unpack.executables;

import dev.vigil.engine.Engine;
import dev.vigil.unpack.UnpackLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ClamAV's packed and archived test files, truncated and with bytes flipped: every unpacker here must either deliver
 * children or refuse with UnpackException, and the whole set must finish quickly.
 */
class DamagedTestFilesTest {
    private static final List<String> FILES = List.of("clam-upx.exe", "clam-yc.exe", "clam-wwpack.exe",
            "clam-petite.exe", "clam-aspack.exe", "clam-pespin.exe", "clam-mew.exe", "clam-upack.exe", "clam-nsis.exe", "clam.ea05.exe", "clam.ea06.exe",
            "clam.cab", "clam.exe.szdd", "clam.iso", "clamjol.iso", "clam.sis");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void damagedInputsNeverCrashOrHang() throws Exception {
        Engine engine = Engine.builder().build();
        UnpackLimits limits = new UnpackLimits(64L << 20, 16L << 20, 8, 200, 16L << 20, Duration.ofSeconds(10));
        Random random = new Random(4);
        int variants = 0;
        for (String name : FILES) {
            Path p = ClamavTestFiles.decoded(name, dir);
            if (p == null) {
                continue;
            }
            byte[] original = Files.readAllBytes(p);
            for (int k = 1; k <= 8; k++) {
                byte[] cut = Arrays.copyOf(original, original.length * k / 9);
                new RecursiveTestScanner(engine, limits).scan(name + "-cut" + k, cut);
                variants++;
            }
            for (int k = 0; k < 24; k++) {
                byte[] flipped = original.clone();
                for (int f = 0; f < 1 + k % 4; f++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 + random.nextInt(255));
                }
                new RecursiveTestScanner(engine, limits).scan(name + "-flip" + k, flipped);
                variants++;
            }
        }
        assertThat(variants).isGreaterThan(0);
    }
}
