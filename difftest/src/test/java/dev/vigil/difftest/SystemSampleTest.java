package dev.vigil.difftest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SystemSampleTest {

    @TempDir
    Path dir;

    @Test
    void theSampleIsDeterministicAndBounded() throws IOException {
        List<Path> candidates = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Path p = dir.resolve("f" + i);
            Files.write(p, new byte[10 + i]);
            candidates.add(p);
        }
        List<Path> first = SystemSample.select(candidates, 10, 100, 500, "seed");
        List<Path> reversed = new ArrayList<>(candidates.reversed());
        assertThat(SystemSample.select(reversed, 10, 100, 500, "seed")).isEqualTo(first);
        assertThat(first.size()).isLessThanOrEqualTo(10);
        long total = 0;
        for (Path p : first) {
            total += Files.size(p);
            assertThat(Files.size(p)).isLessThanOrEqualTo(100);
        }
        assertThat(total).isLessThanOrEqualTo(500);
        assertThat(SystemSample.select(candidates, 10, 100, 500, "other seed")).isNotEqualTo(first);
    }

    @Test
    void xorDecodingIsItsOwnInverse() {
        byte[] key = "abc".getBytes();
        byte[] data = "some test data".getBytes();
        assertThat(SharedCorpus.xor(SharedCorpus.xor(data, key), key)).isEqualTo(data);
    }
}
