package dev.vigil.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CorpusBuilderTest {

    @Test
    void mixesRealTextAndRandomFilesWithoutPeFilesOrDuplicates(@TempDir Path tmp) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[64 << 10];
            random.nextBytes(b);
            b[0] = 0x7f;
            Files.write(src.resolve("lib" + i + ".so"), b);
        }
        byte[] dup = Files.readAllBytes(src.resolve("lib0.so"));
        Files.write(src.resolve("copy-of-lib0.so"), dup);
        byte[] pe = new byte[64 << 10];
        pe[0] = 'M';
        pe[1] = 'Z';
        Files.write(src.resolve("tool.exe"), pe);
        Path include = tmp.resolve("planted.lst");
        Files.writeString(include, src.resolve("lib7.so") + "\n");

        Path out = tmp.resolve("corpus");
        CorpusBuilder.Summary s = CorpusBuilder.build(3, out, 2L << 20, List.of(src), include);

        assertThat(s.textFiles()).isPositive();
        assertThat(s.randomFiles()).isPositive();
        assertThat(s.textBytes()).isGreaterThanOrEqualTo((2L << 20) * 15 / 100);
        assertThat(s.randomBytes()).isGreaterThanOrEqualTo((2L << 20) * 15 / 100);
        // The sources hold less than the 70 % share: every distinct non-PE file is taken, the copy of lib0 is not.
        assertThat(s.binaryFiles()).isEqualTo(12);
        List<Path> bins;
        try (Stream<Path> w = Files.list(out.resolve("bin"))) {
            bins = w.sorted().toList();
        }
        assertThat(bins).hasSize(s.binaryFiles());
        assertThat(bins.get(0).getFileName().toString()).isEqualTo("00000-lib7.so");
        for (Path b : bins) {
            assertThat(b.getFileName().toString()).doesNotContain("tool.exe");
        }
        // lib0.so and its copy have the same bytes: at most one of them is in the corpus.
        assertThat(bins.stream().filter(b -> b.getFileName().toString().endsWith("lib0.so")).count()).isLessThanOrEqualTo(1);
        List<Path> texts;
        try (Stream<Path> w = Files.list(out.resolve("text"))) {
            texts = w.toList();
        }
        for (Path t : texts) {
            long binary = 0;
            for (byte b : Files.readAllBytes(t)) {
                binary += b == '\n' || b >= 0x20 && b < 0x7f ? 0 : 1;
            }
            assertThat(binary).as("non-printable bytes in %s", t).isZero();
        }
    }
}
