package dev.vigil.clamav;

import dev.vigil.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * x.cvd next to x.cld: clamscan loads only the newer (the .cld when equal), whether given the file or the folder.
 * Vigil must count the same.
 */
class ContainerTwinsTest {

    @Test
    void newerTwinWins(@TempDir Path dir) throws Exception {
        Clamscan.assumeAvailable();
        Path cvds = Path.of(System.getProperty("vigil.shared", "../../shared")).resolve("signatures/clamav/test-cvd");
        assumeTrue(Files.isRegularFile(cvds.resolve("test-5.cvd")), "test CVDs not found");
        Path empty = Files.createFile(dir.resolve("empty"));
        int[][] versions = {{3, 5}, {5, 3}, {4, 4}};
        List<String> mismatches = new ArrayList<>();
        for (int[] v : versions) {
            Path d = Files.createDirectories(dir.resolve("cvd" + v[0] + "-cld" + v[1]));
            Files.copy(cvds.resolve("test-" + v[0] + ".cvd"), d.resolve("x.cvd"));
            Files.copy(cvds.resolve("test-" + v[1] + ".cvd"), d.resolve("x.cld"));
            for (Path target : List.of(d.resolve("x.cvd"), d.resolve("x.cld"), d)) {
                Clamscan.Result r = Clamscan.load(target, empty);
                int ours = new ClamAvLoader(LoadOptions.DEFAULT).load(target, Engine.builder());
                if (!r.loaded() || r.knownViruses() != ours) {
                    mismatches.add(dir.relativize(target) + ": clamscan " + r.knownViruses() + ", Vigil " + ours);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
