package dev.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream past the in-memory limit is spooled to TemporaryDirectory, scanned whole, and its file removed. */
class LargeStreamTest {
    @Test
    void spooledStreamIsScannedAndRemoved(@TempDir Path dir) throws Exception {
        Path db = Fixtures.database(dir.resolve("db"));
        Path spool = Files.createDirectories(dir.resolve("spool"));
        try (Vigild d = Fixtures.vigild(dir.resolve("v"), db, "TemporaryDirectory " + spool + "\n")) {
            byte[] data = new byte[StreamSpool.MEMORY_LIMIT + (1 << 20)];
            System.arraycopy(Fixtures.EICAR, 0, data, data.length - Fixtures.EICAR.length, Fixtures.EICAR.length);
            // in chunks of 1 MiB, as clients send them
            byte[][] parts = new byte[data.length / (1 << 20) + 2][];
            parts[0] = Fixtures.ascii("zINSTREAM\0");
            for (int i = 0; i < data.length / (1 << 20); i++) {
                parts[i + 1] = Fixtures.chunk(java.util.Arrays.copyOfRange(data, i << 20, (i + 1) << 20));
            }
            parts[parts.length - 1] = new byte[4];
            byte[] reply = Fixtures.exchange(Fixtures.tcp(d), Fixtures.concat(parts), Duration.ofSeconds(60));
            assertThat(Fixtures.show(reply)).isEqualTo("stream: Eicar-Test-Signature-NDB.UNOFFICIAL FOUND\\0");
            try (Stream<Path> left = Files.list(spool)) {
                assertThat(left).isEmpty();
            }
        }
    }
}
